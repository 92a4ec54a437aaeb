package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.monitor.MonitorHistory;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three monitored nights of one model, a rerun of the second with other values, and one night of
 * another model, logged through any {@link Tracker} by {@link MonitorHistory}; then the checks of what
 * MLflow's Python client reads back. The server and the local store must give the same answers.
 */
final class MonitorHistoryScenario {
  static final String MODEL = "product-type/3";
  static final LocalDate FIRST = LocalDate.parse("2026-11-01");

  /** What was logged: the history run of {@link #MODEL}, and of the other model. */
  record Written(String runId, String otherRunId) {}

  private MonitorHistoryScenario() {}

  static Map<String, Double> night(int i) {
    return Map.of("monitor_class_mix_psi", 0.01 * (i + 1), "monitor_breaches", (double) i);
  }

  static Written write(Tracker tracker) {
    Map<String, String> tags = Map.of("catalogml.model.name", "product-type", "catalogml.model.version", "3");
    List<String> runIds = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      MonitorHistory.Logged logged = MonitorHistory.log(tracker, MODEL, tags, night(i), FIRST.plusDays(i));
      assertThat(logged.logged()).containsExactlyInAnyOrder("monitor_class_mix_psi", "monitor_breaches");
      assertThat(logged.kept()).isEmpty();
      runIds.add(logged.runId());
    }
    assertThat(runIds).as("one run for the model, found again each night").containsOnly(runIds.get(0));

    MonitorHistory.Logged rerun = MonitorHistory.log(tracker, MODEL, tags,
        Map.of("monitor_class_mix_psi", 0.9, "monitor_breaches", 5.0), FIRST.plusDays(1));
    assertThat(rerun.runId()).isEqualTo(runIds.get(0));
    assertThat(rerun.logged()).as("the night is there already").isEmpty();
    assertThat(rerun.kept()).containsExactlyInAnyOrder("monitor_class_mix_psi", "monitor_breaches");

    MonitorHistory.Logged other = MonitorHistory.log(tracker, "product-type/4",
        Map.of("catalogml.model.version", "4"), night(0), FIRST.plusDays(2));
    assertThat(other.runId()).as("another model, another line").isNotEqualTo(runIds.get(0));
    return new Written(runIds.get(0), other.runId());
  }

  /** One FINISHED run per model in the history experiment, three steps per metric with the first values. */
  static void checkReadBack(JsonNode r, Written w) {
    assertThat(r.path("status").asText()).as("logged into after it was FINISHED, and FINISHED again")
        .isEqualTo("FINISHED");
    assertThat(r.path("experiment").asText()).isEqualTo(MonitorHistory.EXPERIMENT);
    List<String> runs = new ArrayList<>();
    r.path("experiment_runs").forEach(n -> runs.add(n.asText()));
    assertThat(runs).containsExactlyInAnyOrder(w.runId(), w.otherRunId());
    assertThat(r.path("tags").path(MonitorHistory.TAG).asText()).isEqualTo(MODEL);
    assertThat(r.path("tags").path("catalogml.model.version").asText()).isEqualTo("3");
    assertThat(r.path("run_name").asText()).isEqualTo(MODEL + " history");
    for (String metric : List.of("monitor_class_mix_psi", "monitor_breaches")) {
      JsonNode history = r.path("metrics").path(metric);
      assertThat(history).as(metric).hasSize(3);
      for (int i = 0; i < 3; i++) {
        assertThat(history.get(i).get(0).asLong()).as("the night is the step")
            .isEqualTo(FIRST.plusDays(i).toEpochDay());
        assertThat(history.get(i).get(1).asDouble()).as("the first values of a night stay")
            .isEqualTo(night(i).get(metric));
      }
    }
  }
}
