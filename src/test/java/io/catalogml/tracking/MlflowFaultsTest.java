package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Real faults: no server at start, a server killed in the middle of a run. */
class MlflowFaultsTest {
  @TempDir
  Path tmp;

  private static TrackingSettings settings(String uri, Path local, TrackingFallback fallback, int retries, int waitMs) {
    return new TrackingSettings(uri, local.toString(), fallback, retries, waitMs, 5);
  }

  @Test
  void noServerAtStartFailsBeforeAnyWork() throws Exception {
    String uri = "http://127.0.0.1:" + MlflowServer.freePort();
    long start = System.nanoTime();
    assertThatThrownBy(() -> Trackers.open(settings(uri, tmp.resolve("mlruns"), TrackingFallback.FAIL, 5, 1000), Map.of()))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.code()).isEqualTo("tracking.unreachable");
          assertThat(e.exitCode()).isEqualTo(CatalogErrors.TRACKER);
        })
        .hasMessageContaining("MLflow tracking server " + uri + " cannot be reached")
        .hasMessageContaining("ConnectException")
        .hasMessageContaining("tracking.fallback=local");
    assertThat((System.nanoTime() - start) / 1_000_000).as("no retries at start").isLessThan(5000);
    assertThat(tmp.resolve("mlruns")).doesNotExist();
  }

  @Test
  void noServerAtStartWithFallbackLocalUsesTheLocalStore() throws Exception {
    String uri = "http://127.0.0.1:" + MlflowServer.freePort();
    try (Tracker tracker = Trackers.open(settings(uri, tmp.resolve("mlruns"), TrackingFallback.LOCAL, 5, 1000),
        Map.of())) {
      assertThat(tracker).isInstanceOf(LocalMlflowStore.class);
      try (TrackedRun run = tracker.startRun("catalog-ml/ingest", "fallback")) {
        run.end(TrackedRun.RunStatus.FINISHED, null);
      }
    }
    assertThat(tmp.resolve("mlruns/0/meta.yaml")).exists();
  }

  @Test
  void serverKilledMidRunRetriesWithBackoffThenFailsAndTheRunIsMarkedFailedOnceItIsBack() throws Exception {
    MlflowServerExtension.requireMlflow();
    MlflowServer server = MlflowServer.start(tmp.resolve("server"));
    String runId;
    try (Tracker tracker = Trackers.open(settings(server.uri(), tmp.resolve("mlruns"), TrackingFallback.FAIL, 3, 200),
        Map.of())) {
      TrackedRun run = tracker.startRun("catalog-ml/train", "killed");
      runId = run.runId();
      run.logMetrics(Map.of("loss", 0.9), 0);

      server.kill();
      long start = System.nanoTime();
      assertThatThrownBy(() -> run.logMetrics(Map.of("loss", 0.8), 1))
          .isInstanceOfSatisfying(CatalogException.class, e -> {
            assertThat(e.code()).isEqualTo("tracking.unavailable");
            assertThat(e.exitCode()).isEqualTo(CatalogErrors.TRACKER);
          })
          .hasMessageContaining("Cannot log metrics at step 1 on the MLflow tracking server " + server.uri())
          .hasMessageContaining("4 attempt(s) failed");
      long waitedMs = (System.nanoTime() - start) / 1_000_000;
      assertThat(waitedMs).as("backoff 200 + 400 + 800 ms").isBetween(1400L, 10_000L);

      server = server.restart();
      run.close();
      JsonNode back = PythonReadBack.read(server.uri(), runId, null);
      assertThat(back.path("status").asText()).isEqualTo("FAILED");
      assertThat(back.path("tags").path(Names.FAILURE_TAG).asText())
          .startsWith("tracking failed: Cannot log metrics at step 1");
      assertThat(back.path("metrics").path("loss")).hasSize(1);
    } finally {
      server.close();
    }
  }
}
