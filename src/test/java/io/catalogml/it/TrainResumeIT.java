package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real training process is killed (SIGKILL) after its second checkpoint, and
 * {@code train --resume} continues it from there to the last epoch: the same run, no epoch lost
 * or repeated, a finished state and a registered model.
 */
class TrainResumeIT {
  static final int EPOCHS = 5;

  @TempDir
  Path dir;

  List<String> job(String name, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("jobs/catalog-ml", name, "--conf", "conf/examples/fashion.conf",
        "--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns"),
        "--set", "train.checkpoint-dir=" + dir.resolve("checkpoints"), "--set", "model.mode=text",
        "--set", "train.epochs=" + EPOCHS, "--set", "train.patience=0", "--set", "train.learning-rate=0.01", "--set", "train.batch-size=32"));
    cmd.addAll(List.of(extra));
    return cmd;
  }

  @Test
  void aKilledTrainingResumesFromItsLastCheckpoint() throws Exception {
    Map<String, String> env = Map.of("CATALOG_ML_JAVA_OPTS", "-Xmx3g");
    Processes.Run ingest = Processes.run(env, job("ingest", "--input", "data/sample/fashion").toArray(String[]::new));
    assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
    Processes.Run preprocess = Processes.run(env, job("preprocess").toArray(String[]::new));
    assertThat(preprocess.exitCode()).as(preprocess.toString()).isZero();

    Process training = Processes.start(env, dir.resolve("train.out"), dir.resolve("train.err"),
        job("train").toArray(String[]::new));
    Path second = waitFor(dir.resolve("checkpoints"), "epoch-0002.zip", training);
    training.destroyForcibly();
    assertThat(training.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(training.exitValue()).as("killed by SIGKILL").isEqualTo(137);

    Path run = second.getParent();
    JsonNode killed = Json.mapper().readTree(run.resolve("state.json").toFile());
    assertThat(killed.get("status").asText()).isEqualTo("running");
    int done = killed.get("epochsDone").asInt();
    assertThat(done).isBetween(2, EPOCHS - 1);

    Processes.Run resumed = Processes.run(env, job("train", "--resume").toArray(String[]::new));
    assertThat(resumed.exitCode()).as(resumed.toString()).isZero();
    JsonNode result = resumed.lastJson();
    assertThat(result.get("runId").asText()).isEqualTo(run.getFileName().toString());
    assertThat(result.get("resumedFromEpoch").asInt()).isEqualTo(done);
    assertThat(result.get("epochs").asInt()).isEqualTo(EPOCHS);
    assertThat(result.get("modelVersion").asText()).isEqualTo("1");

    JsonNode finished = Json.mapper().readTree(run.resolve("state.json").toFile());
    assertThat(finished.get("status").asText()).isEqualTo("finished");
    List<Integer> epochs = new ArrayList<>();
    finished.get("history").forEach(e -> epochs.add(e.get("epoch").asInt()));
    assertThat(epochs).containsExactly(1, 2, 3, 4, 5);
    assertThat(run.resolve(String.format("epoch-%04d.zip", EPOCHS))).isRegularFile();
    assertThat(resumed.stderr()).contains("epoch " + (done + 1) + "/" + EPOCHS).doesNotContain("epoch 1/" + EPOCHS);
  }

  /** Waits until a file of that name appears under {@code root}; fails if the process ends first. */
  static Path waitFor(Path root, String name, Process process) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(8);
    while (System.nanoTime() < deadline) {
      if (Files.isDirectory(root)) {
        try (Stream<Path> files = Files.walk(root)) {
          Optional<Path> found = files.filter(p -> p.getFileName().toString().equals(name)).findFirst();
          if (found.isPresent()) {
            return found.get();
          }
        }
      }
      if (!process.isAlive()) {
        throw new AssertionError("training ended (exit " + process.exitValue() + ") before " + name);
      }
      Thread.sleep(200);
    }
    throw new AssertionError("no " + name + " under " + root + " in time");
  }
}
