package io.catalogml.feedback;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of {@code gold.feedback} and {@code gold.feedback_quarantine}. Documented in the README. */
public final class FeedbackTables {
  private FeedbackTables() {}

  /** One row per corrected product: the latest correction wins. */
  public static final StructType FEEDBACK = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("label", DataTypes.StringType, false)
      .add("catalogue_label", DataTypes.StringType)
      .add("reviewer", DataTypes.StringType)
      .add("note", DataTypes.StringType)
      .add("source_file", DataTypes.StringType, false)
      .add("source_row", DataTypes.LongType, false)
      .add("feedback_run_id", DataTypes.StringType, false)
      .add("received_at", DataTypes.TimestampType, false);

  /** Rejected correction rows, each once (as ingest's: {@link io.catalogml.ingest.ProductTables#QUARANTINE_KEY}). */
  public static final StructType QUARANTINE = new StructType()
      .add("feedback_run_id", DataTypes.StringType, false)
      .add("quarantined_at", DataTypes.TimestampType, false)
      .add("source_file", DataTypes.StringType, false)
      .add("source_row", DataTypes.LongType, false)
      .add("product_id", DataTypes.StringType)
      .add("reason", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("raw_record", DataTypes.StringType);
}
