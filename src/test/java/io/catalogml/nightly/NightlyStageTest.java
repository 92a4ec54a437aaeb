package io.catalogml.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.lake.Lake;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.train.TrainFixtures;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly chain on the fashion sample with the MLlib baseline, local[2], real Delta tables and
 * the local MLflow store read back by MLflow's Python client: the first night trains a champion and
 * scores every product, the next night of the same drop writes nothing and trains nothing, and a
 * night whose model cannot be loaded stops at score with the model's exit code and the results of
 * the stages before it. Tests share one lake, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static NightlyResult first;
  static String firstRunId;

  @BeforeAll
  static void firstNight() {
    Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    config = TrainFixtures.config(dir, drop, "model.type=mllib-logreg");
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, config)) {
      first = new NightlyStage(spark, config, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(first);
      firstRunId = tracking.runId();
    }
  }

  static NightlyResult night(CatalogConfig c) {
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, c)) {
      NightlyResult r = new NightlyStage(spark, c, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(r);
      return r;
    }
  }

  @Test
  @Order(1)
  void theFirstNightIngestsPreprocessesTrainsAChampionAndScoresEveryProduct() {
    assertThat(first.stagesRun()).containsExactly("ingest", "preprocess", "train", "score");
    assertThat(first.trained()).isTrue();
    assertThat(first.stages().get("ingest").path("inserted").asLong()).isEqualTo(1000);
    assertThat(first.stages().get("preprocess").path("computed").asLong()).isEqualTo(1000);
    assertThat(first.stages().get("train").path("champion").asBoolean()).isTrue();
    ObjectNode score = first.stages().get("score");
    assertThat(score.path("modelVersion").asText()).isEqualTo(first.stages().get("train").path("modelVersion").asText());
    assertThat(score.path("scored").asLong() + score.path("quarantined").asLong()).isEqualTo(1000);
    assertThat(spark.read().format("delta").load(Lake.of(config).predictions()).count())
        .isEqualTo(score.path("scored").asLong());
  }

  @Test
  @Order(2)
  void eachStageIsItsOwnRunTaggedWithTheChain() throws Exception {
    String uri = "file://" + dir.resolve("mlruns").toAbsolutePath();
    JsonNode chain = PythonReadBack.read(uri, firstRunId, null);
    assertThat(chain.path("experiment").asText()).isEqualTo("catalog-ml/nightly");
    assertThat(chain.path("status").asText()).isEqualTo("FINISHED");
    for (String stage : first.stagesRun()) {
      String stageRun = first.stages().get(stage).path("tracking").path("runId").asText();
      assertThat(chain.path("tags").path("catalogml.stage." + stage + ".run_id").asText()).isEqualTo(stageRun);
      JsonNode back = PythonReadBack.read(uri, stageRun, null);
      assertThat(back.path("experiment").asText()).as("recorded as the %s job records it", stage)
          .isEqualTo("catalog-ml/" + stage);
      assertThat(back.path("status").asText()).isEqualTo("FINISHED");
      assertThat(back.path("tags").path("catalogml.chain.run_id").asText()).isEqualTo(firstRunId);
    }
    assertThat(chain.path("metrics").path("stages.score.scored").get(0).get(1).asLong())
        .isEqualTo(first.stages().get("score").path("scored").asLong());
  }

  @Test
  @Order(3)
  void theSameDropTheNextNightWritesNothingAndTrainsNothing() {
    NightlyResult again = night(config);
    assertThat(again.stagesRun()).containsExactly("ingest", "preprocess", "score");
    assertThat(again.trained()).isFalse();
    assertThat(again.skipped()).containsKey("train");
    assertThat(again.stages().get("ingest").path("unchanged").asLong()).isEqualTo(1000);
    assertThat(again.stages().get("preprocess").path("computed").asLong()).isZero();
    assertThat(again.stages().get("score").path("scored").asLong()).isZero();
    for (String version : new String[] {"productsVersion", "featuresVersion", "predictionsVersion"}) {
      JsonNode before = first.stages().get("score").path(version);
      assertThat(again.stages().get("score").path(version)).as(version).isEqualTo(before);
    }
  }

  @Test
  @Order(4)
  void aModelThatCannotBeLoadedStopsTheChainAtScoreWithTheStagesBeforeIt() {
    CatalogConfig noModel = TrainFixtures.config(dir, Path.of(config.source().input()), "model.type=mllib-logreg",
        "score.model=\"models:/product-type@nightly\"");
    assertThatThrownBy(() -> night(noModel))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.code()).isEqualTo("registry.not-found");
          assertThat(e.exitCode()).isEqualTo(CatalogErrors.MODEL);
          assertThat(e.details().get("failedStage")).isEqualTo("score");
          assertThat(((Map<?, ?>) e.details().get("stages")).keySet()).map(String::valueOf).containsExactly("ingest", "preprocess");
        })
        .hasMessageStartingWith("nightly stopped at score: Cannot resolve model models:/product-type@nightly")
        .hasMessageContaining("(ingest, preprocess) completed");
  }
}
