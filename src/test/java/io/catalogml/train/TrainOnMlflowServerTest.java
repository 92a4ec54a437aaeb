package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.tracking.MlflowServer;
import io.catalogml.tracking.MlflowServerExtension;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.tracking.Tracker;
import io.catalogml.tracking.Trackers;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The train stage writing into a real {@code mlflow server}: per-epoch metrics with steps, the
 * evaluation and model artifacts, a registered version with aliases, and the champion rule with
 * the champion downloaded from the server; all read back with MLflow's Python client.
 */
@ExtendWith(MlflowServerExtension.class)
class TrainOnMlflowServerTest extends SparkTestBase {
  @TempDir
  static Path dir;

  TrainResult train(MlflowServer server, CatalogConfig config) {
    try (Tracker tracker = Trackers.open(new TrackingSettings(server.uri(), "unused", TrackingFallback.FAIL, 2, 100,
        60), Map.of());
        TrackedRun run = tracker.startRun("catalog-ml/train", "server test")) {
      run.logParams(config.publicValues());
      TrainResult result = new TrainStage(spark, config, run, tracker.registry(), false).execute();
      run.end(TrackedRun.RunStatus.FINISHED, null);
      return result;
    }
  }

  @Test
  void trainRecordsEpochsArtifactsAndTheRegistryOnTheServer(MlflowServer server) throws Exception {
    TrainFixtures.preprocessedSample(spark, dir);
    TrainResult network = train(server, TrainFixtures.config(dir, dir.resolve("drop"), "model.mode=text",
        "train.epochs=3", "train.patience=0", "train.learning-rate=0.01", "train.batch-size=32"));
    JsonNode back = PythonReadBack.read(server.uri(), network.trackingRunId(), "product-type");
    assertThat(back.path("params").path("model.mode").asText()).contains("text");
    List<Integer> steps = new ArrayList<>();
    back.path("metrics").path("val_weighted_f1").forEach(p -> steps.add(p.get(0).asInt()));
    assertThat(steps).containsExactly(1, 2, 3);
    assertThat(back.path("metrics").path("test_weighted_f1").get(0).get(1).asDouble())
        .isEqualTo(network.testWeightedF1(), org.assertj.core.api.Assertions.within(1e-9));
    List<String> artifacts = new ArrayList<>();
    back.path("artifacts").forEach(a -> artifacts.add(a.asText()));
    assertThat(artifacts).contains("model/network.zip", "model/model-card.json", "model/labels.json",
        "model/input-spec.json", "model/text-pipeline.json", "evaluation/test.json", "evaluation/test.md",
        "evaluation/confusion-matrix.png", "evaluation/learning-curve.png");
    assertThat(back.path("tags").path("catalogml.input.silver.features.version").asText()).isEqualTo("1");
    assertThat(back.path("model").path("resolved").path("candidate").asText()).isEqualTo("1");
    assertThat(back.path("model").path("resolved").path("champion").asText()).isEqualTo("1");
    assertThat(back.path("model").path("versions").get(0).path("run_id").asText()).isEqualTo(network.trackingRunId());

    TrainResult baseline = train(server, TrainFixtures.config(dir, dir.resolve("drop"), "model.type=mllib-logreg"));
    JsonNode second = PythonReadBack.read(server.uri(), baseline.trackingRunId(), "product-type");
    assertThat(second.path("metrics").path("champion_test_weighted_f1").get(0).get(1).asDouble())
        .as("the champion was downloaded from the server and scored on the same split")
        .isEqualTo(network.testWeightedF1(), org.assertj.core.api.Assertions.within(1e-9));
    assertThat(second.path("model").path("resolved").path("candidate").asText()).isEqualTo("2");
    assertThat(second.path("model").path("resolved").path("champion").asText())
        .isEqualTo(baseline.testWeightedF1() > network.testWeightedF1() ? "2" : "1");
    assertThat(second.path("tags").path("catalogml.model.promotion").asText()).isEqualTo(baseline.promotion());
  }
}
