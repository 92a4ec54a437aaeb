package io.catalogml.cli;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Json;
import io.catalogml.core.StageResult;
import io.catalogml.spark.SparkSessions;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.TrackedRun;
import java.io.PrintStream;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one job the same way for every subcommand: configuration first (so a bad key fails
 * before Spark starts), then the tracking run (so an unreachable tracker fails before any work),
 * then a Spark session, then the stage; the last line of stdout is the result, or the failure,
 * as one line of JSON. The run ends FINISHED with the result, or FAILED with the reason.
 */
final class JobRunner {
  private static final Logger LOG = LoggerFactory.getLogger(JobRunner.class);

  private JobRunner() {}

  /**
   * A job body that writes into its run itself: per-epoch metrics, model artifacts, registry
   * versions and aliases (the train job).
   */
  @FunctionalInterface
  interface TrackedJob {
    StageResult run(SparkSession spark, CatalogConfig conf, TrackedRun run, ModelRegistry registry);
  }

  static int run(String job, Supplier<CatalogConfig> config,
      BiFunction<SparkSession, CatalogConfig, ? extends StageResult> body) {
    return runTracked(job, config, (spark, conf, run, registry) -> body.apply(spark, conf));
  }

  /**
   * Like {@link #run} with the job's open run and registry handed to the body; the runner still
   * logs params, tags, the result and the end status.
   */
  static int runTracked(String job, Supplier<CatalogConfig> config, TrackedJob body) {
    PrintStream out = System.out;
    AtomicBoolean reported = new AtomicBoolean();
    AtomicReference<JobTracking> open = new AtomicReference<>();
    Thread hook = new Thread(() -> diedBeforeReporting(job, out, reported, open.get()), "catalog-ml-exit-report");
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      return report(job, config, body, out, reported, open);
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook runs, and finds the job reported
      }
    }
  }

  private static int report(String job, Supplier<CatalogConfig> config, TrackedJob body, PrintStream out,
      AtomicBoolean reported, AtomicReference<JobTracking> open) {
    try {
      CatalogConfig conf = config.get();
      try (JobTracking tracking = JobTracking.start(job, conf)) {
        open.set(tracking);
        try {
          SparkSession spark = SparkSessions.create(conf.spark(), job);
          LOG.info("catalog-ml {} on Spark {}, master {}", job, spark.version(), spark.sparkContext().master());
          try {
            tracking.sparkStarted(spark.sparkContext().master());
            StageResult result = body.run(spark, conf, tracking.run(), tracking.registry());
            String line = tracking.finished(result).toString();
            if (reported.compareAndSet(false, true)) {
              out.println(line);
            }
            return result.exitCode();
          } finally {
            spark.stop();
          }
        } catch (Exception | Error e) {
          tracking.failed(e);
          throw e;
        } finally {
          open.set(null);
        }
      }
    } catch (CatalogException e) {
      System.err.println("catalog-ml " + job + ": " + e.getMessage());
      Map<String, Object> failure = failure(job, e.code(), e.getMessage(), e.exitCode());
      failure.putAll(e.details());
      print(out, reported, failure);
      return e.exitCode();
    } catch (Exception | Error e) {
      // Spark's AnalysisException is checked in Java's eyes but thrown all the same; an Error
      // (OutOfMemoryError) still gets its JSON line before the JVM goes down.
      LOG.error("catalog-ml {} failed", job, e);
      CatalogException inTask = CatalogErrors.find(e);
      if (inTask != null) {
        print(out, reported, failure(job, inTask.code(), inTask.getMessage(), inTask.exitCode()));
        return inTask.exitCode();
      }
      print(out, reported, failure(job, "internal", String.valueOf(e), CatalogErrors.INTERNAL));
      return CatalogErrors.INTERNAL;
    }
  }

  /**
   * The shutdown hook's report: the JVM is exiting while the job still runs. Spark exits the JVM
   * itself after a fatal error in a task (52 after an {@code OutOfMemoryError}, 50 after another),
   * and a scheduler's SIGTERM ends here too; the JSON line and the FAILED run still say so.
   */
  private static void diedBeforeReporting(String job, PrintStream out, AtomicBoolean reported, JobTracking open) {
    if (reported.get()) {
      return;
    }
    CatalogException exiting = CatalogErrors.jvmExiting(job);
    if (open != null) {
      open.failed(exiting);
    }
    // The JVM's exit status is Spark's or the signal's, not known here: no exitCode in this line.
    print(out, reported, failure(job, exiting.code(), exiting.getMessage(), null));
  }

  private static void print(PrintStream out, AtomicBoolean reported, Map<String, Object> failure) {
    if (reported.compareAndSet(false, true)) {
      out.println(Json.line(failure));
      out.flush();
    }
  }

  private static Map<String, Object> failure(String job, String code, String message, Integer exitCode) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("job", job);
    m.put("status", "failed");
    m.put("error", code);
    m.put("message", message);
    if (exitCode != null) {
      m.put("exitCode", exitCode);
    }
    return m;
  }
}
