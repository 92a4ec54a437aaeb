package io.catalogml.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.Settings;
import io.catalogml.core.Json;
import io.catalogml.core.StageResult;
import io.catalogml.tracking.Credentials;
import io.catalogml.tracking.RunTags;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.tracking.TrackedRun.RunStatus;
import io.catalogml.tracking.Tracker;
import io.catalogml.tracking.Trackers;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MLflow run of one job run: opened before any work (a tracker that cannot be reached stops
 * the job), params = the flattened configuration, the standard tags, the result's numbers as
 * metrics at step 0 and the result as {@code result.json}; FINISHED on success, FAILED with the
 * reason otherwise.
 */
final class JobTracking implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobTracking.class);

  private final Tracker tracker;
  private final TrackedRun run;

  private JobTracking(Tracker tracker, TrackedRun run) {
    this.tracker = tracker;
    this.run = run;
  }

  static JobTracking start(String job, CatalogConfig conf) {
    return start(job, conf, System.getenv());
  }

  static JobTracking start(String job, CatalogConfig conf, Map<String, String> env) {
    Tracker tracker = Trackers.open(conf.tracking(), env);
    try {
      TrackedRun run = tracker.startRun("catalog-ml/" + job, job + " " + Instant.now());
      JobTracking tracking = new JobTracking(tracker, run);
      run.logParams(params(conf));
      run.setTags(RunTags.standard(job, null));
      LOG.info("Tracking {} run {} in {}", job, run.runId(), tracker.uri());
      return tracking;
    } catch (RuntimeException e) {
      tracker.close();
      throw e;
    }
  }

  /** The configuration as params (strings unquoted), with any user info of the tracking URI removed. */
  static Map<String, String> params(CatalogConfig conf) {
    Map<String, String> params = conf.plainValues();
    params.computeIfPresent(Settings.TRACKING_URI.path(), (k, v) -> Credentials.withoutUserInfo(v));
    return params;
  }

  void sparkStarted(String master) {
    run.setTags(Map.of("catalogml.spark.master", master));
  }

  /** Records the result and ends the run FINISHED; returns the result with the run's coordinates. */
  ObjectNode finished(StageResult result) {
    ObjectNode json = Json.mapper().valueToTree(result);
    Map<String, Double> metrics = new TreeMap<>();
    numbers("", json, metrics);
    run.logMetrics(metrics, 0);
    try {
      Path dir = Files.createTempDirectory("catalog-ml-result");
      Path file = dir.resolve("result.json");
      Files.writeString(file, Json.line(result) + "\n", StandardCharsets.UTF_8);
      run.logArtifact(file, "");
      Files.delete(file);
      Files.delete(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    run.end(RunStatus.FINISHED, null);
    ObjectNode tracking = json.putObject("tracking");
    tracking.put("uri", tracker.uri()).put("experimentId", run.experimentId()).put("runId", run.runId());
    return json;
  }

  /** Ends the run FAILED with the failure's message; a tracking failure here is only logged. */
  void failed(Throwable failure) {
    try {
      run.end(RunStatus.FAILED, failure.getMessage() == null ? failure.toString() : failure.getMessage());
    } catch (RuntimeException e) {
      LOG.warn("Tracking: could not mark run {} FAILED: {}", run.runId(), e.getMessage());
    }
  }

  private static void numbers(String prefix, JsonNode node, Map<String, Double> out) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNumber()) {
        out.put(prefix + e.getKey(), e.getValue().asDouble());
      } else if (e.getValue().isObject()) {
        numbers(prefix + e.getKey() + ".", e.getValue(), out);
      }
    }
  }

  String runId() {
    return run.runId();
  }

  TrackedRun run() {
    return run;
  }

  io.catalogml.tracking.ModelRegistry registry() {
    return tracker.registry();
  }

  @Override
  public void close() {
    try {
      run.close();
    } finally {
      tracker.close();
    }
  }
}
