package io.catalogml.ingest;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the bronze tables and their creation. Documented in the README. */
public final class ProductTables {
  private ProductTables() {}

  /** {@code bronze.products}: one row per product id, the latest ingested state. */
  public static final StructType PRODUCTS = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("title", DataTypes.StringType)
      .add("description", DataTypes.StringType)
      .add("label", DataTypes.StringType)
      .add("attributes", DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
      .add("image_uri", DataTypes.StringType)
      .add("image_status", DataTypes.StringType, false)
      .add("image_size", DataTypes.LongType)
      .add("image_sha256", DataTypes.StringType)
      .add("image_width", DataTypes.IntegerType)
      .add("image_height", DataTypes.IntegerType)
      .add("image_format", DataTypes.StringType)
      .add("content_hash", DataTypes.StringType, false)
      .add("record_hash", DataTypes.StringType, false)
      .add("source_format", DataTypes.StringType, false)
      .add("source_file", DataTypes.StringType, false)
      .add("source_row", DataTypes.LongType, false)
      .add("ingest_run_id", DataTypes.StringType, false)
      .add("created_at", DataTypes.TimestampType, false)
      .add("updated_at", DataTypes.TimestampType, false);

  /** {@code bronze.quarantine}: every rejected input row, appended per run. */
  public static final StructType QUARANTINE = new StructType()
      .add("ingest_run_id", DataTypes.StringType, false)
      .add("quarantined_at", DataTypes.TimestampType, false)
      .add("source_file", DataTypes.StringType, false)
      .add("source_row", DataTypes.LongType, false)
      .add("product_id", DataTypes.StringType)
      .add("reason", DataTypes.StringType, false)
      .add("message", DataTypes.StringType, false)
      .add("raw_record", DataTypes.StringType);
}
