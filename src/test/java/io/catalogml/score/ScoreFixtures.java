package io.catalogml.score;

import io.catalogml.Fixtures;
import io.catalogml.config.CatalogConfig;
import io.catalogml.ingest.IngestStage;
import io.catalogml.train.TrainFixtures;
import io.catalogml.tracking.JobTracking;
import java.nio.file.Path;
import org.apache.spark.sql.SparkSession;

/** Lakes and runs for the score tests. */
final class ScoreFixtures {
  /** The fusion package trained on the sample by this version, committed ({@link ModelFixtureGenerator}). */
  static final Path FUSION_PACKAGE = Path.of("src/test/resources/models/fusion-sample");
  /** Its predictions for the sample, scored when it was made. */
  static final Path FUSION_PREDICTIONS = Path.of("src/test/resources/models/fusion-sample-predictions.csv");

  private ScoreFixtures() {}

  /** A lake under {@code dir} holding the sample in bronze only (no silver). */
  static CatalogConfig ingestedSample(SparkSession spark, Path dir, String... overrides) {
    Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    CatalogConfig config = TrainFixtures.config(dir, drop, overrides);
    new IngestStage(spark, config).execute();
    return config;
  }

  /** The run id of the last {@link #score} call. */
  static String lastRunId;

  /** Runs a score stage in the job run lifecycle ({@link JobTracking}), as the CLI does. */
  static ScoreResult score(SparkSession spark, CatalogConfig config, String model, boolean full) {
    try (JobTracking tracking = JobTracking.start("score", config)) {
      try {
        ScoreResult r = new ScoreStage(spark, config, tracking.run(), tracking.registry(), model, full).execute();
        tracking.finished(r);
        lastRunId = tracking.runId();
        return r;
      } catch (RuntimeException e) {
        tracking.failed(e);
        throw e;
      }
    }
  }
}
