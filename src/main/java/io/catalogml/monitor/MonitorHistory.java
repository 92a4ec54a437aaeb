package io.catalogml.monitor;

import io.catalogml.tracking.TrackedRun;
import io.catalogml.tracking.TrackedRun.RunStatus;
import io.catalogml.tracking.Tracker;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Each monitored model's nights as one line per metric in the MLflow UI. A night's own run (in
 * {@code catalog-ml/monitor}, one per job run) holds one point per metric; beside it, every model has
 * one long-lived history run in {@value #EXPERIMENT}, tagged {@value #TAG} = {@link #key}, started on
 * the model's first monitored night and found by that tag after, into which every night logs the same
 * metrics with the night (days since 1970-01-01) as step. The run is ended FINISHED again after each
 * night (MLflow takes metrics into a FINISHED run), so its end time is its last night.
 *
 * <p>A night already in the history keeps its first values: MLflow keeps every value logged, and two
 * values at one step would draw a vertical jump in the line, so a metric that has a value at the
 * night's step is not logged again (a rerun of the night replaces its {@code gold.monitoring} row and
 * has its own run, but leaves the line as it was).
 */
public final class MonitorHistory {
  /** Experiment of the history runs, one per model. */
  public static final String EXPERIMENT = "catalog-ml/monitor-history";
  /** Tag that names the model a history run is for. */
  public static final String TAG = "catalogml.monitor.history";

  private MonitorHistory() {}

  /**
   * What one night added to its model's history.
   *
   * @param runId the history run
   * @param logged metrics logged at the night's step
   * @param kept metrics that already had a value at that step (a rerun of the night), left as they were
   */
  public record Logged(String runId, List<String> logged, List<String> kept) {}

  /**
   * The model a history is for: {@code <name>/<version>} for a registered version, {@code <name>/run-<run id>}
   * for a package folder (no version: the run that trained it tells it apart).
   */
  public static String key(String name, String version, String runId) {
    return name + "/" + (version != null ? version : "run-" + runId);
  }

  /**
   * Logs {@code metrics} of {@code night} into the history run of the model {@code key} (started, with
   * {@code tags}, when it has none), skipping each metric that already has a value at the night's step,
   * and ends the run FINISHED.
   */
  public static Logged log(Tracker tracker, String key, Map<String, String> tags, Map<String, Double> metrics,
      LocalDate night) {
    long step = night.toEpochDay();
    try (TrackedRun history = tracker.runTagged(EXPERIMENT, TAG, key, key + " history")) {
      Map<String, String> all = new LinkedHashMap<>(tags);
      all.put(TAG, key);
      history.setTags(all);
      Map<String, Double> fresh = new TreeMap<>();
      List<String> kept = new ArrayList<>();
      metrics.forEach((metric, value) -> {
        if (history.metricSteps(metric).contains(step)) {
          kept.add(metric);
        } else {
          fresh.put(metric, value);
        }
      });
      if (!fresh.isEmpty()) {
        history.logMetrics(fresh, step);
      }
      history.end(RunStatus.FINISHED, null);
      return new Logged(history.runId(), List.copyOf(fresh.keySet()), List.copyOf(kept));
    }
  }
}
