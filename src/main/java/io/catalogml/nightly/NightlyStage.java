package io.catalogml.nightly;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Stage;
import io.catalogml.core.Json;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.maintain.MaintainSchedule;
import io.catalogml.maintain.MaintainStage;
import io.catalogml.monitor.MonitorResult;
import io.catalogml.monitor.MonitorStage;
import io.catalogml.preprocess.PreprocessPlan;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.score.ScorePlan;
import io.catalogml.score.ScoreStage;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.train.TrainStage;
import java.time.Clock;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The nightly chain in one Spark application: ingest (when {@code source.input} is set, e.g. by
 * {@code --input}) → preprocess (incremental) → train (only when scoring the champion and the
 * registry has none yet) → score (incremental) → monitor (the night against the champion's reference)
 * (→ retrain → rescore → remonitor when the retrain policy fires) → maintain (table upkeep, when
 * {@link MaintainSchedule} says it is due). Each stage runs as its own job would, with its own
 * MLflow run tagged with this chain's run; the first stage that fails stops the chain with its own
 * error code and exit code, and the failure carries the results of the stages before it.
 *
 * <pre>
 * NightlyResult r = new NightlyStage(spark, config, run, registry, false).execute();
 * r.stages().get("score").path("scored");
 * </pre>
 */
public final class NightlyStage implements Stage<NightlyResult> {
  private static final Logger LOG = LoggerFactory.getLogger(NightlyStage.class);
  /** Name of the chain, its experiment ({@code catalog-ml/nightly}) and its CLI job. */
  public static final String JOB = "nightly";
  /** Stage names of the retrain policy's actions: train a candidate, rescore and monitor again with it. */
  static final String RETRAIN = "retrain";
  static final String RESCORE = "rescore";
  static final String REMONITOR = "remonitor";
  private static final String NO_DROP = "no drop to ingest: pass --input DIR or set source.input";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final TrackedRun run;
  private final ModelRegistry registry;
  private final boolean dryRun;
  private final Clock clock;
  private final Map<String, ObjectNode> stages = new LinkedHashMap<>();
  private final Map<String, String> skipped = new LinkedHashMap<>();

  /**
   * @param run the chain's own run (each stage opens one of its own)
   * @param registry the registry of the chain's tracker, asked whether a champion exists
   * @param dryRun say what each stage would do, write nothing
   */
  public NightlyStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry,
      boolean dryRun) {
    this(spark, config, run, registry, dryRun, Clock.systemUTC());
  }

  /** @param clock tonight's date for the maintain schedule (UTC) and the time maintain records */
  public NightlyStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry,
      boolean dryRun, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.registry = registry;
    this.dryRun = dryRun;
    this.clock = clock;
  }

  /** A stage's body, given the stage's own run and registry. */
  @FunctionalInterface
  private interface Body {
    StageResult run(TrackedRun stageRun, ModelRegistry stageRegistry);
  }

  @Override
  public NightlyResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    boolean ingest = !config.source().input().isEmpty();
    boolean train = needsTraining();
    MaintainSchedule.Decision upkeep = MaintainSchedule.decide(spark, config, clock);
    int total = (ingest ? 1 : 0) + 1 + (train ? 1 : 0) + 2 + (upkeep.due() ? 1 : 0);
    LOG.info("nightly {}: {} stages: {}preprocess, {}score, monitor{}", runId, total, ingest ? "ingest, " : "",
        train ? "train, " : "", upkeep.due() ? ", maintain" : "");
    if (dryRun) {
      return plan(runId, ingest, train, upkeep, started);
    }
    int n = 0;
    if (ingest) {
      step(runId, ++n, total, "ingest", (r, reg) -> new IngestStage(spark, config).execute());
    } else {
      skipped.put("ingest", NO_DROP);
    }
    step(runId, ++n, total, "preprocess", (r, reg) -> new PreprocessStage(spark, config, false).execute());
    if (train) {
      step(runId, ++n, total, "train", (r, reg) -> new TrainStage(spark, config, r, reg, false).execute());
    } else {
      skipped.put("train", trainSkipped());
    }
    step(runId, ++n, total, "score", (r, reg) -> new ScoreStage(spark, config, r, reg, null, false).execute());
    step(runId, ++n, total, MonitorStage.JOB, (r, reg) -> new MonitorStage(spark, config, r, reg, null).execute());
    boolean retrained = !train && retrain(runId, total - (upkeep.due() ? 1 : 0));
    if (upkeep.due()) {
      int at = stages.size() + 1;
      step(runId, at, Math.max(total, at), MaintainStage.JOB, (r, reg) -> new MaintainStage(spark, config, clock)
          .execute());
    } else {
      skipped.put(MaintainStage.JOB, upkeep.reason());
    }
    double seconds = (System.nanoTime() - started) / 1e9;
    LOG.info("nightly {}: done in {} s", runId, String.format("%.1f", seconds));
    return result(runId, train, retrained, seconds);
  }

  /**
   * The retrain policy's decision, acted on: a candidate trained on tonight's silver, and when the
   * champion rule promotes it, the catalogue rescored and the night monitored again with it.
   *
   * @return whether a candidate was trained
   */
  private boolean retrain(String runId, int total) {
    JsonNode decision = stages.get(MonitorStage.JOB).path("retrain");
    if (!decision.path("retrain").asBoolean()) {
      return false;
    }
    if (!config.retrain().enabled()) {
      skipped.put(RETRAIN, "retrain.enabled = false; the policy said: " + decision.path("reason").asText());
      return false;
    }
    LOG.info("nightly {}: retraining: {}", runId, decision.path("reason").asText());
    int n = total;
    step(runId, ++n, total + 3, RETRAIN, "train", (r, reg) -> new TrainStage(spark, config, r, reg, false).execute());
    ObjectNode trained = stages.get(RETRAIN);
    if (!trained.path("champion").asBoolean()) {
      skipped.put(RESCORE, "candidate v" + trained.path("modelVersion").asText() + " was not promoted ("
          + trained.path("promotion").asText() + "); the champion's predictions stand");
      return true;
    }
    step(runId, ++n, total + 3, RESCORE, "score",
        (r, reg) -> new ScoreStage(spark, config, r, reg, null, false).execute());
    step(runId, ++n, total + 3, REMONITOR, MonitorStage.JOB,
        (r, reg) -> new MonitorStage(spark, config, r, reg, null).execute());
    return true;
  }

  /**
   * The dry run: each stage's plan, from the tables as they are now (a later stage's plan does not
   * see what the stages before it would write), nothing written and no stage run opened.
   */
  private NightlyResult plan(String runId, boolean ingest, boolean train, MaintainSchedule.Decision upkeep,
      long started) {
    if (ingest) {
      stages.put("ingest", Json.mapper().valueToTree(new IngestStage(spark, config).plan()));
    } else {
      skipped.put("ingest", NO_DROP);
    }
    PreprocessPlan preprocess = new PreprocessStage(spark, config, false).plan();
    stages.put("preprocess", Json.mapper().valueToTree(preprocess));
    if (train) {
      stages.put("train", Json.mapper().createObjectNode().put("job", "train").put("dryRun", true)
          .put("reason", "models:/" + config.model().name() + "@champion does not exist yet"));
      stages.put("score", Json.mapper().valueToTree(new ScorePlan("score", true, null, config.model().name(), null,
          false, preprocess.productsVersion(), preprocess.products(), preprocess.products())));
    } else {
      skipped.put("train", trainSkipped());
      stages.put("score", Json.mapper().valueToTree(new ScoreStage(spark, config, run, registry, null, false).plan()));
    }
    stages.put(MonitorStage.JOB, Json.mapper().createObjectNode().put("job", MonitorStage.JOB).put("dryRun", true)
        .put("night", MonitorStage.night(config.monitor()).toString()).put("table", config.tables().monitoring()));
    if (upkeep.due()) {
      stages.put(MaintainStage.JOB, Json.mapper().valueToTree(new MaintainStage(spark, config, clock).plan()));
    } else {
      skipped.put(MaintainStage.JOB, upkeep.reason());
    }
    stages.values().forEach(plan -> LOG.info("nightly {}: dry run: {}", runId, plan));
    return result(runId, false, false, (System.nanoTime() - started) / 1e9);
  }

  private NightlyResult result(String runId, boolean trained, boolean retrained, double seconds) {
    ObjectNode monitor = stages.containsKey(REMONITOR) ? stages.get(REMONITOR) : stages.get(MonitorStage.JOB);
    String status = monitor != null && monitor.path("status").isTextual() ? monitor.path("status").asText()
        : MonitorResult.OK;
    return new NightlyResult(JOB, runId, dryRun, status, List.copyOf(stages.keySet()),
        Collections.unmodifiableMap(new LinkedHashMap<>(stages)),
        Collections.unmodifiableMap(new LinkedHashMap<>(skipped)), trained, retrained, seconds);
  }

  private String trainSkipped() {
    return config.score().model().isEmpty()
        ? "models:/" + config.model().name() + "@champion exists"
        : "score.model is set to " + config.score().model();
  }

  /** Whether the chain trains first: it scores the champion (score.model unset) and there is none yet. */
  private boolean needsTraining() {
    return config.score().model().isEmpty() && registry.alias(config.model().name(), "champion").isEmpty();
  }

  private void step(String runId, int n, int total, String name, Body body) {
    step(runId, n, total, name, name, body);
  }

  /** Runs stage {@code name} as job {@code job} (its experiment), recording its result under the stage's name. */
  private void step(String runId, int n, int total, String name, String job, Body body) {
    long t0 = System.nanoTime();
    LOG.info("nightly {}: stage {}/{} {} started", runId, n, total, name);
    try (JobTracking tracking = JobTracking.startStage(job, name, config, JOB, run)) {
      tracking.sparkStarted(spark.sparkContext().master());
      try {
        stages.put(name, tracking.finished(body.run(tracking.run(), tracking.registry())));
      } catch (Exception e) {
        // Spark's exceptions (SparkException of a failed task) are checked in Java's eyes but thrown all the same.
        tracking.failed(e);
        throw e;
      }
    } catch (Exception e) {
      String after = String.format("%.1f", (System.nanoTime() - t0) / 1e9);
      if (e instanceof CatalogException) {
        LOG.error("nightly {}: stage {}/{} {} failed after {} s: {}", runId, n, total, name, after, e.getMessage());
      } else {
        LOG.error("nightly {}: stage {}/{} {} failed after {} s", runId, n, total, name, after, e);
      }
      throw CatalogErrors.stageFailed(JOB, name, e, new LinkedHashMap<String, Object>(stages));
    }
    LOG.info("nightly {}: stage {}/{} {} done in {} s", runId, n, total, name,
        String.format("%.1f", (System.nanoTime() - t0) / 1e9));
  }
}
