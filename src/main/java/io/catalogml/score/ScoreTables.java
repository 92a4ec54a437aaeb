package io.catalogml.score;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of {@code gold.predictions} and {@code gold.score_quarantine}. Documented in the README. */
public final class ScoreTables {
  private ScoreTables() {}

  /**
   * Table properties of both: the change data feed. Not deletion vectors, although they would let
   * an incremental MERGE mark replaced rows instead of rewriting every file holding one: delta-rs
   * 1.6 refuses to read a table with them ({@code DeltaProtocolError: ... reader features:
   * {'deletionVectors'}}), and gold tables must stay readable by any Delta reader.
   */
  public static final java.util.Map<String, String> PROPERTIES = java.util.Map.of(
      "delta.enableChangeDataFeed", "true");

  /** One row per scored product of {@code bronze.products}: the latest prediction and what made it. */
  public static final StructType PREDICTIONS = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("predicted_label", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("top_labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
      .add("top_probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false)
      .add("label", DataTypes.StringType)
      .add("label_agrees", DataTypes.BooleanType)
      .add("image_used", DataTypes.BooleanType, false)
      .add("features_source", DataTypes.StringType, false)
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType)
      .add("model_alias", DataTypes.StringType)
      .add("model_run_id", DataTypes.StringType)
      .add("text_pipeline_id", DataTypes.StringType, false)
      .add("content_hash", DataTypes.StringType, false)
      .add("products_version", DataTypes.LongType, false)
      .add("features_version", DataTypes.LongType)
      .add("score_run_id", DataTypes.StringType, false)
      .add("scored_at", DataTypes.TimestampType, false)
      // Last, where ALTER TABLE ADD COLUMNS puts it in a table made before it existed.
      .add("label_source", DataTypes.StringType);

  /** One row per product of {@code bronze.products} that the model cannot score, with the reason. */
  public static final StructType QUARANTINE = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("content_hash", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType)
      .add("model_run_id", DataTypes.StringType)
      .add("products_version", DataTypes.LongType, false)
      .add("score_run_id", DataTypes.StringType, false)
      .add("quarantined_at", DataTypes.TimestampType, false);
}
