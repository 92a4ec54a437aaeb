package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.tracking.TrackedRun.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The local store writes MLflow's file-store layout: MLflow's Python client (what {@code mlflow ui}
 * uses) reads back the same run and registry as from a server.
 */
class LocalMlflowStoreTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void needsPythonMlflow() {
    MlflowServerExtension.requireMlflow();
  }

  private Tracker open(Path mlruns) {
    return Trackers.open(new TrackingSettings("", mlruns.toString(), TrackingFallback.FAIL, 0, 1, 1), Map.of());
  }

  @Test
  void runsArtifactsAndRegistryReadBackWithPythonClient() throws Exception {
    Path mlruns = tmp.resolve("mlruns");
    try (Tracker tracker = open(mlruns)) {
      assertThat(tracker).isInstanceOf(LocalMlflowStore.class);
      assertThat(tracker.uri()).isEqualTo("file://" + mlruns.toAbsolutePath());
      TrackingScenario.Written w = TrackingScenario.write(tracker, tmp);
      TrackingScenario.checkRegistry(tracker, w, tmp);
      JsonNode back = PythonReadBack.read(tracker.uri(), w.runId(), TrackingScenario.MODEL);
      TrackingScenario.checkReadBack(back, w);
      assertThat(back.path("model").path("versions").get(1).path("source").asText())
          .isEqualTo("runs:/" + w.runId() + "/model");
    }
    assertThat(mlruns.resolve("models/product-type/aliases/champion")).hasContent("1");
    assertThat(mlruns.resolve("0/meta.yaml")).content().contains("name: 'Default'");
    assertEveryIntegerMlflowReadsIsPlain(mlruns, 6);
  }

  /**
   * The meta.yaml values MLflow's file stores read as integers (times, a run's status and source
   * type, a model version's number) are plain YAML integers in every file, aliases moved or not.
   */
  private static void assertEveryIntegerMlflowReadsIsPlain(Path mlruns, int atLeast) throws Exception {
    Set<String> tracking = Set.of("creation_time", "last_update_time", "start_time", "end_time", "status", "source_type");
    Set<String> registry = Set.of("creation_timestamp", "last_updated_timestamp", "version");
    List<Path> metas;
    try (var files = Files.walk(mlruns)) {
      metas = files.filter(p -> p.getFileName().toString().equals("meta.yaml")).toList();
    }
    assertThat(metas).hasSizeGreaterThanOrEqualTo(atLeast);
    for (Path meta : metas) {
      Set<String> keys = mlruns.relativize(meta).startsWith("models") ? registry : tracking;
      for (String line : Files.readAllLines(meta)) {
        String key = line.contains(":") ? line.substring(0, line.indexOf(':')) : "";
        if (keys.contains(key)) {
          assertThat(line).as(meta.toString()).matches(key + ": [0-9]+");
        }
      }
    }
  }

  @Test
  void eachModelsMonitoredNightsAreOneRunWithTheNightAsStep() throws Exception {
    Path mlruns = tmp.resolve("mlruns");
    MonitorHistoryScenario.Written w;
    try (Tracker tracker = open(mlruns)) {
      w = MonitorHistoryScenario.write(tracker);
    }
    try (Tracker reopened = open(mlruns);
        TrackedRun again = reopened.runTagged(io.catalogml.monitor.MonitorHistory.EXPERIMENT,
            io.catalogml.monitor.MonitorHistory.TAG, MonitorHistoryScenario.MODEL, "unused")) {
      assertThat(again.runId()).as("found from disk by its tag").isEqualTo(w.runId());
      assertThat(again.metricSteps("monitor_breaches")).hasSize(3);
    }
    JsonNode back = PythonReadBack.read("file://" + mlruns.toAbsolutePath(), w.runId(), null);
    MonitorHistoryScenario.checkReadBack(back, w);
    assertEveryIntegerMlflowReadsIsPlain(mlruns, 4);
  }

  @Test
  void runsOfOneExperimentShareItAndAreReopenedFromDiskWithTheirKind() throws Exception {
    Path mlruns = tmp.resolve("mlruns");
    String first;
    String second;
    try (Tracker tracker = open(mlruns); TrackedRun run = tracker.startRun("catalog-ml/ingest", "a")) {
      first = run.experimentId();
      run.end(RunStatus.FINISHED, null);
    }
    Path kind = mlruns.resolve(first).resolve("tags").resolve(RunTags.EXPERIMENT_KIND);
    assertThat(kind).hasContent("custom_model_development");
    Files.delete(kind);
    try (Tracker tracker = open(mlruns); TrackedRun run = tracker.startRun("catalog-ml/ingest", "b")) {
      second = run.experimentId();
      run.logMetrics(Map.of("rows", 3.0), 0);
    }
    assertThat(second).isEqualTo(first);
    assertThat(kind).as("an experiment without a kind gets it at its next run").hasContent("custom_model_development");
    try (var experiments = Files.list(mlruns)) {
      assertThat(experiments.filter(p -> Files.exists(p.resolve("meta.yaml"))).count()).isEqualTo(2);
    }
  }

  @Test
  void aRunLeftOpenIsFailedAndAParamKeepsItsFirstValue() throws Exception {
    Path mlruns = tmp.resolve("mlruns");
    String runId;
    try (Tracker tracker = open(mlruns); TrackedRun run = tracker.startRun("catalog-ml/x", "left open")) {
      runId = run.runId();
      run.logParams(Map.of("a", "1"));
      run.logParams(Map.of("a", "1"));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> run.logParams(Map.of("a", "2")))
          .isInstanceOf(io.catalogml.core.CatalogException.class).hasMessageContaining("written once");
    }
    JsonNode back = PythonReadBack.read("file://" + mlruns.toAbsolutePath(), runId, null);
    assertThat(back.path("status").asText()).isEqualTo("FAILED");
    assertThat(back.path("params").path("a").asText()).isEqualTo("1");
    assertThat(back.path("tags").path(Names.FAILURE_TAG).asText()).contains("did not finish");
  }
}
