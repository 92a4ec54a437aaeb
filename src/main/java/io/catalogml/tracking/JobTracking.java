package io.catalogml.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Json;
import io.catalogml.core.StageResult;
import io.catalogml.tracking.TrackedRun.RunStatus;
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
 * reason otherwise. The one job run lifecycle: the CLI ({@code JobRunner}), notebooks and tests
 * open their runs here.
 *
 * <pre>
 * try (JobTracking tracking = JobTracking.start("score", config)) {
 *   ScoreResult r = new ScoreStage(spark, config, tracking.run(), tracking.registry(), options).execute();
 *   tracking.finished(r);
 * } // a body that threw leaves the run FAILED
 * </pre>
 *
 * <p>In a Spark session that is already running (a Zeppelin note), {@link #record} does all of it:
 *
 * <pre>
 * Recorded&lt;ScoreResult&gt; r = JobTracking.record("score", config, spark.sparkContext().master(),
 *     (run, registry) -&gt; new ScoreStage(spark, config, run, registry, null, false).execute());
 * </pre>
 */
public final class JobTracking implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(JobTracking.class);

  private final Tracker tracker;
  private final TrackedRun run;

  private JobTracking(Tracker tracker, TrackedRun run) {
    this.tracker = tracker;
    this.run = run;
  }

  /** Opens the run of {@code job}: params, standard tags; fails when the tracker cannot be reached. */
  public static JobTracking start(String job, CatalogConfig conf) {
    return start(job, conf, System.getenv());
  }

  /** Like {@link #start(String, CatalogConfig)} with the environment that credentials come from. */
  public static JobTracking start(String job, CatalogConfig conf, Map<String, String> env) {
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

  /**
   * Opens the run of {@code job} as one stage of a chain (the nightly job): recorded exactly as
   * the job alone records it, in the job's own experiment, and tagged with the chain's run id
   * ({@code catalogml.chain}, {@code catalogml.chain.run_id}); the chain's run is tagged back with
   * {@code catalogml.stage.<job>.run_id}.
   */
  public static JobTracking startStage(String job, CatalogConfig conf, String chain, TrackedRun chainRun) {
    return startStage(job, job, conf, chain, chainRun);
  }

  /**
   * Like {@link #startStage(String, CatalogConfig, String, TrackedRun)} for a stage that runs a job
   * under another name (the chain's {@code retrain} is a {@code train} run, recorded in its experiment).
   */
  public static JobTracking startStage(String job, String stage, CatalogConfig conf, String chain,
      TrackedRun chainRun) {
    JobTracking tracking = start(job, conf);
    try {
      tracking.run.setTags(Map.of("catalogml.chain", chain, "catalogml.chain.run_id", chainRun.runId(),
          "catalogml.chain.stage", stage));
      chainRun.setTags(Map.of("catalogml.stage." + stage + ".run_id", tracking.run.runId()));
      return tracking;
    } catch (RuntimeException e) {
      tracking.failed(e);
      tracking.close();
      throw e;
    }
  }

  /** A job's body, given its open run and the run's registry. */
  @FunctionalInterface
  public interface Body<R extends StageResult> {
    R run(TrackedRun run, ModelRegistry registry);
  }

  /**
   * A job's result as the CLI prints it.
   *
   * @param result the stage's own result
   * @param json the result as JSON with the run's coordinates under {@code tracking}: the CLI's last line
   */
  public record Recorded<R extends StageResult>(R result, ObjectNode json) {
    /** The tracker's run id. */
    public String runId() {
      return json.path("tracking").path("runId").asText();
    }

    /** The JSON line the CLI prints for this run. */
    public String line() {
      return json.toString();
    }
  }

  /**
   * Runs {@code job} in a Spark session that is already running (a notebook): its run opened, tagged
   * with {@code sparkMaster}, handed to {@code body}, and ended FINISHED with the result or FAILED with
   * what {@code body} threw, which is rethrown; recorded as {@code catalog-ml JOB} records it.
   */
  public static <R extends StageResult> Recorded<R> record(String job, CatalogConfig conf, String sparkMaster,
      Body<R> body) {
    try (JobTracking tracking = start(job, conf)) {
      try {
        tracking.sparkStarted(sparkMaster);
        R result = body.run(tracking.run(), tracking.registry());
        return new Recorded<>(result, tracking.finished(result));
      } catch (Throwable e) {
        // Scala code and Spark throw checked exceptions undeclared (AnalysisException); the run is FAILED all the same.
        tracking.failed(e);
        throw e;
      }
    }
  }

  /** The configuration as params (strings unquoted), with any user info of the tracking URI removed. */
  public static Map<String, String> params(CatalogConfig conf) {
    return conf.publicValues();
  }

  /** Tags the Spark master the job runs on. */
  public void sparkStarted(String master) {
    run.setTags(Map.of("catalogml.spark.master", master));
  }

  /**
   * Records the result and ends the run FINISHED; returns the result with its {@code exitCode} and the
   * run's coordinates ({@code tracking}): the line the CLI prints.
   */
  public ObjectNode finished(StageResult result) {
    ObjectNode json = Json.mapper().valueToTree(result);
    Map<String, Double> metrics = new TreeMap<>();
    numbers("", json, metrics);
    run.logMetrics(metrics, 0);
    // The exit code the job ends with rides on the line, for launchers that see only the line.
    json.put("exitCode", result.exitCode());
    try {
      Path dir = Files.createTempDirectory("catalog-ml-result");
      Path file = dir.resolve("result.json");
      Files.writeString(file, Json.line(json) + "\n", StandardCharsets.UTF_8);
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
  public void failed(Throwable failure) {
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

  /** The tracker's run id. */
  public String runId() {
    return run.runId();
  }

  /** The open run, for a job body that logs more (per-epoch metrics, artifacts). */
  public TrackedRun run() {
    return run;
  }

  /** The registry of the run's tracker. */
  public ModelRegistry registry() {
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
