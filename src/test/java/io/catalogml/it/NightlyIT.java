package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command as a user runs it, {@code jobs/catalog-ml nightly} on the bundled
 * sample with the shipped configuration (a fusion network is trained, since the registry has no
 * champion yet), only pointed at a temporary lake and MLflow store; then the same night again;
 * then the failures a scheduler tells apart by exit code. Tables are read back with delta-rs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyIT {
  static final String README_COMMAND =
      "jobs/catalog-ml nightly --conf conf/examples/fashion.conf --input data/sample/fashion";
  static final Map<String, String> ENV = Map.of("CATALOG_ML_JAVA_OPTS", "-Xmx3g");

  @TempDir
  static Path dir;
  static JsonNode first;

  static String[] readmeCommand(String... extra) {
    List<String> cmd = new ArrayList<>(List.of(README_COMMAND.split(" ")));
    cmd.addAll(List.of("--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns"),
        "--set", "train.checkpoint-dir=" + dir.resolve("checkpoints")));
    cmd.addAll(List.of(extra));
    return cmd.toArray(String[]::new);
  }

  @Test
  @Order(1)
  void theReadmesFirstCommandEndsWithAPredictionForEveryProduct() throws Exception {
    assertThat(Files.readString(Processes.ROOT.resolve("README.md"))).contains("\n" + README_COMMAND + "\n");
    Processes.Run run = Processes.run(ENV, readmeCommand());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    first = run.lastJson();
    assertThat(first.get("job").asText()).isEqualTo("nightly");
    assertThat(first.get("stagesRun")).extracting(JsonNode::asText)
        .containsExactly("ingest", "preprocess", "train", "score", "monitor");
    JsonNode score = first.get("stages").get("score");
    assertThat(first.get("stages").get("train").get("champion").asBoolean()).isTrue();
    assertThat(score.get("model").asText()).isEqualTo("models:/product-type@champion");
    assertThat(score.get("scored").asLong() + score.get("quarantined").asLong()).isEqualTo(1000);
    assertThat(run.stderr()).contains("stage 1/5 ingest started", "stage 4/5 score done in", "stage 5/5 monitor done in");
    JsonNode monitor = first.get("stages").get("monitor");
    assertThat(first.get("status").asText()).as(monitor.toString()).isEqualTo("ok");
    assertThat(monitor.get("modelVersion").asText()).isEqualTo(score.get("modelVersion").asText());
    assertThat(Processes.readTable(dir.resolve("lake/gold/monitoring"), "night").get("rows").asLong()).isEqualTo(1);
    assertThat(Path.of(java.net.URI.create(monitor.get("report").asText())).resolve("monitor-report.png"))
        .isRegularFile();

    JsonNode predictions = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    assertThat(predictions.get("rows").asLong()).isEqualTo(score.get("scored").asLong());
    assertThat(predictions.get("distinct").asLong()).isEqualTo(predictions.get("rows").asLong());
    assertThat(predictions.get("version").asLong()).isEqualTo(score.get("predictionsVersion").asLong());
  }

  @Test
  @Order(2)
  void theSameNightAgainTrainsNothingAndWritesNoTableVersion() throws Exception {
    JsonNode before = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    Processes.Run run = Processes.run(ENV, readmeCommand());
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode again = run.lastJson();
    assertThat(again.get("stagesRun")).extracting(JsonNode::asText)
        .containsExactly("ingest", "preprocess", "score", "monitor");
    assertThat(again.get("trained").asBoolean()).isFalse();
    assertThat(again.get("stages").get("score").get("scored").asLong()).isZero();
    JsonNode after = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    assertThat(after.get("version").asLong()).isEqualTo(before.get("version").asLong());
    assertThat(after.get("digest").asText()).isEqualTo(before.get("digest").asText());
  }

  @Test
  @Order(3)
  void aModelThatCannotBeLoadedStopsAtScoreWithExitFourAndTheStagesBefore() throws Exception {
    Processes.Run run = Processes.run(ENV, readmeCommand("--set", "score.model=" + dir.resolve("no-such-model")));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(4);
    JsonNode failure = run.lastJson();
    assertThat(failure.get("status").asText()).isEqualTo("failed");
    assertThat(failure.get("error").asText()).isEqualTo("model.not-a-package");
    assertThat(failure.get("exitCode").asInt()).as("the line carries the exit code").isEqualTo(4);
    assertThat(failure.get("failedStage").asText()).isEqualTo("score");
    assertThat(failure.get("stages").get("ingest").get("unchanged").asLong()).isEqualTo(1000);
    assertThat(failure.get("message").asText()).startsWith("nightly stopped at score: Cannot load a model from");
  }

  @Test
  @Order(4)
  void anUnreachableTrackerExitsThreeBeforeAnyWork() throws Exception {
    Processes.Run run = Processes.run(ENV, readmeCommand("--set", "tracking.uri=\"http://127.0.0.1:"
        + io.catalogml.core.Ports.free() + "\""));
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(3);
    assertThat(run.lastJson().get("error").asText()).isEqualTo("tracking.unreachable");
    assertThat(run.lastJson().get("exitCode").asInt()).isEqualTo(3);
    assertThat(run.stderr()).doesNotContain("stage 1/");
  }
}
