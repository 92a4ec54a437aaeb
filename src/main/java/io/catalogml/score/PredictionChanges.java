package io.catalogml.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.catalogml.lake.DeltaTables;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What changed in {@code gold.predictions} between two of its versions, read from the table's change
 * data feed: one row per product whose prediction changed, with the prediction before and after.
 *
 * <p>Columns: {@code product_id}, {@code change} ({@link #NEW}, {@link #REMOVED}, {@link #RELABELLED}:
 * another class is predicted, {@link #RESCORED}: the same class, scored again), {@code previous_label},
 * {@code predicted_label}, {@code previous_probability}, {@code probability}, {@code label} (the
 * product's label, as last known) and {@code version} (the last version that changed the product). A product
 * inserted and deleted within the range is not listed, nor one whose prediction is still the same score
 * run's (only its {@code label} changed: a correction, or the catalogue relabelled it).
 *
 * <pre>
 * Dataset&lt;Row&gt; changes = PredictionChanges.ofScore(spark, lake.predictions(), scoreResult);
 * PredictionChanges.byClass(changes).show();
 * </pre>
 */
public final class PredictionChanges {
  /** A product that had no prediction before. */
  public static final String NEW = "new";
  /** A prediction deleted: the product left bronze, or can no longer be scored. */
  public static final String REMOVED = "removed";
  /** Another class is predicted now. */
  public static final String RELABELLED = "relabelled";
  /** Scored again with the same class predicted (new content or another model). */
  public static final String RESCORED = "rescored";

  private PredictionChanges() {}

  /**
   * The changes written by versions {@code fromVersion + 1} to {@code toVersion} of the predictions table
   * at {@code location}: the state at {@code fromVersion} against the state at {@code toVersion}.
   */
  public static Dataset<Row> between(SparkSession spark, String location, long fromVersion, long toVersion) {
    if (toVersion <= fromVersion) {
      return empty(spark, location);
    }
    Dataset<Row> feed = spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", fromVersion + 1).option("endingVersion", toVersion).load(location);
    Column before = col("_change_type").isin("update_preimage", "delete");
    // Within one version the image before comes first; across versions, the version decides.
    Column order = col("_commit_version").multiply(2).plus(when(before, 0).otherwise(1));
    Dataset<Row> events = feed.select(col("product_id"), order.as("order"), before.as("before"),
        col("predicted_label"), col("probability"), col("label"), col("score_run_id"),
        col("_commit_version").as("version"));
    Dataset<Row> firstAndLast = events.groupBy("product_id").agg(
        expr("min_by(struct(before, predicted_label, probability, score_run_id), order)").as("first"),
        expr("max_by(struct(before, predicted_label, probability, label, score_run_id), order)").as("last"),
        expr("max(version)").as("version"));
    Column had = col("first.before");
    Column has = expr("NOT last.before");
    // The same score run's prediction before and after: only its label changed (a correction), not the prediction.
    Column sameScore = col("first.score_run_id").eqNullSafe(col("last.score_run_id"));
    Column change = when(had.and(has).and(sameScore), lit(null).cast("string"))
        .when(had.and(has), when(col("first.predicted_label").equalTo(col("last.predicted_label")),
        lit(RESCORED)).otherwise(lit(RELABELLED)))
        .when(had, lit(REMOVED))
        .when(has, lit(NEW));
    return firstAndLast.select(col("product_id"), change.as("change"),
            when(had, col("first.predicted_label")).as("previous_label"),
            when(has, col("last.predicted_label")).as("predicted_label"),
            when(had, col("first.probability")).as("previous_probability"),
            when(has, col("last.probability")).as("probability"),
            col("last.label").as("label"), col("version"))
        .where(col("change").isNotNull());
  }

  /** The changes of the table's last version (none when that is the table's creation). */
  public static Dataset<Row> lastWrite(SparkSession spark, String location) {
    long version = DeltaTables.version(DeltaTable.forPath(spark, location));
    return between(spark, location, Math.max(0, version - 1), version);
  }

  /** The changes one score run wrote (its one MERGE, {@link ScoreResult#predictionsVersion()}); none when it wrote nothing. */
  public static Dataset<Row> ofScore(SparkSession spark, String location, ScoreResult result) {
    long version = result.predictionsVersion();
    boolean wrote = result.scored() + result.removed() > 0;
    return wrote ? between(spark, location, version - 1, version) : empty(spark, location);
  }

  /**
   * Per class, from {@code changes}: products that came to it ({@code gained}: new, or relabelled from
   * another class), that left it ({@code lost}: removed, or relabelled to another) and {@code net};
   * largest moves first.
   */
  public static Dataset<Row> byClass(Dataset<Row> changes) {
    Column moved = col("previous_label").isNull().or(col("predicted_label").isNull())
        .or(col("previous_label").notEqual(col("predicted_label")));
    Dataset<Row> moves = changes.where(moved);
    Dataset<Row> in = moves.where(col("predicted_label").isNotNull())
        .select(col("predicted_label").as("class"), lit(1).as("gained"), lit(0).as("lost"));
    Dataset<Row> out = moves.where(col("previous_label").isNotNull())
        .select(col("previous_label").as("class"), lit(0).as("gained"), lit(1).as("lost"));
    return in.unionByName(out).groupBy("class")
        .agg(expr("sum(gained)").cast("long").as("gained"), expr("sum(lost)").cast("long").as("lost"))
        .select(col("class"), col("gained"), col("lost"), col("gained").minus(col("lost")).as("net"))
        .orderBy(expr("abs(net)").desc(), col("gained").plus(col("lost")).desc(), col("class"));
  }

  private static Dataset<Row> empty(SparkSession spark, String location) {
    Dataset<Row> none = spark.read().format("delta").load(location).limit(0);
    return none.select(col("product_id"), lit(null).cast("string").as("change"),
        lit(null).cast("string").as("previous_label"), col("predicted_label"),
        lit(null).cast("double").as("previous_probability"), col("probability"), col("label"),
        lit(null).cast("long").as("version"));
  }
}
