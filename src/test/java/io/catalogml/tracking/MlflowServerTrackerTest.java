package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.tracking.TrackedRun.RunStatus;
import java.nio.file.Path;
import java.util.Map;
import org.mlflow.tracking.MlflowClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server tracker against a real {@code mlflow server} of MLflow 2.17.2, read back with its
 * Python client ({@link MlflowServerTrackerOnMlflow3Test}: the same against MLflow 3).
 */
@ExtendWith(MlflowServerExtension.class)
class MlflowServerTrackerTest {
  @TempDir
  Path tmp;

  static TrackingSettings settings(String uri) {
    return new TrackingSettings(uri, "unused-mlruns", TrackingFallback.FAIL, 2, 100, 30);
  }

  @Test
  void runsArtifactsAndRegistryReadBackWithPythonClient(MlflowServer server) throws Exception {
    try (Tracker tracker = Trackers.open(settings(server.uri()), Map.of())) {
      assertThat(tracker).isInstanceOf(MlflowServerTracker.class);
      assertThat(tracker.uri()).isEqualTo(server.uri());
      TrackingScenario.Written w = TrackingScenario.write(tracker, tmp);
      TrackingScenario.checkRegistry(tracker, w, tmp);
      JsonNode back = PythonReadBack.read(server.venv(), server.uri(), w.runId(), TrackingScenario.MODEL);
      TrackingScenario.checkReadBack(back, w);
      assertThat(back.path("model").path("versions").get(0).path("source").asText())
          .startsWith("mlflow-artifacts:/").endsWith("/" + w.runId() + "/artifacts/model");
    }
  }

  @Test
  void eachModelsMonitoredNightsAreOneRunWithTheNightAsStep(MlflowServer server) throws Exception {
    MonitorHistoryScenario.Written w;
    try (Tracker tracker = Trackers.open(settings(server.uri()), Map.of())) {
      w = MonitorHistoryScenario.write(tracker);
    }
    JsonNode back = PythonReadBack.read(server.venv(), server.uri(), w.runId(), null);
    MonitorHistoryScenario.checkReadBack(back, w);
  }

  @Test
  void metricsOfOneStepAreOneRequest(MlflowServer server) throws Exception {
    try (MlflowServerTracker tracker = (MlflowServerTracker) Trackers.open(settings(server.uri()), Map.of());
        TrackedRun run = tracker.startRun("catalog-ml/batching", "100 epochs")) {
      long before = tracker.requests();
      for (int epoch = 0; epoch < 100; epoch++) {
        run.logMetrics(Map.of("loss", 1.0 / (epoch + 1), "accuracy", 0.5, "f1", 0.4, "lr", 0.01, "seconds", 3.0), epoch);
      }
      assertThat(tracker.requests() - before).isEqualTo(100);
      run.end(RunStatus.FINISHED, null);
      JsonNode back = PythonReadBack.read(server.venv(), server.uri(), run.runId(), null);
      assertThat(back.path("metrics").path("f1")).hasSize(100);
      assertThat(back.path("metrics").path("loss").get(99).get(0).asInt()).isEqualTo(99);
    }
  }

  @Test
  void anExperimentWithoutAKindIsTaggedAtItsNextRun(MlflowServer server) throws Exception {
    MlflowClient plain = new MlflowClient(server.uri());
    String experimentId;
    try {
      experimentId = plain.createExperiment("catalog-ml/made-before-kinds");
    } finally {
      plain.close();
    }
    try (Tracker tracker = Trackers.open(settings(server.uri()), Map.of());
        TrackedRun run = tracker.startRun("catalog-ml/made-before-kinds", "later")) {
      assertThat(run.experimentId()).isEqualTo(experimentId);
      run.end(RunStatus.FINISHED, null);
      JsonNode back = PythonReadBack.read(server.venv(), server.uri(), run.runId(), null);
      assertThat(back.path("experiment_tags").path(RunTags.EXPERIMENT_KIND).asText())
          .isEqualTo("custom_model_development");
    }
  }

  @Test
  void aRunLeftOpenIsMarkedFailedWithTheReason(MlflowServer server) throws Exception {
    String runId;
    try (Tracker tracker = Trackers.open(settings(server.uri()), Map.of())) {
      try (TrackedRun run = tracker.startRun("catalog-ml/failing", "boom")) {
        runId = run.runId();
        run.end(RunStatus.FAILED, "stage threw: out of memory");
      }
      try (TrackedRun run = tracker.startRun("catalog-ml/failing", "never ended")) {
        runId = run.runId() + "," + runId;
      }
    }
    String[] ids = runId.split(",");
    JsonNode explicit = PythonReadBack.read(server.venv(), server.uri(), ids[1], null);
    assertThat(explicit.path("status").asText()).isEqualTo("FAILED");
    assertThat(explicit.path("tags").path(Names.FAILURE_TAG).asText()).isEqualTo("stage threw: out of memory");
    JsonNode leftOpen = PythonReadBack.read(server.venv(), server.uri(), ids[0], null);
    assertThat(leftOpen.path("status").asText()).isEqualTo("FAILED");
    assertThat(leftOpen.path("tags").path(Names.FAILURE_TAG).asText()).contains("did not finish");
  }
}
