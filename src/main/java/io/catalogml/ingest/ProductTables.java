package io.catalogml.ingest;

import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map_entries;
import static org.apache.spark.sql.functions.sha2;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of the bronze tables and their creation. Documented in the README. */
public final class ProductTables {
  private static final String SEP = "\u001f";
  private static final String NULL = "\u0000";

  private ProductTables() {}

  /**
   * {@code content_hash} of a row with bronze's columns: sha256 of title, description, image sha256 and,
   * when the product has any, its attributes (sorted by name). Attributes are content, since
   * {@code preprocess.text.attributes} can make them features; all of them count, so the hash does not
   * depend on the configuration ingest ran with. A product without attributes keeps the hash it had
   * before they counted.
   */
  public static Column contentHash() {
    Column attributes = when(size(col("attributes")).gt(0), to_json(array_sort(map_entries(col("attributes")))));
    return sha2(concat_ws(SEP, orNull(col("title")), orNull(col("description")), orNull(col("image_sha256")),
        attributes), 256);
  }

  /** {@code record_hash} of a row with bronze's columns: sha256 of content hash, label, image location and attributes. */
  public static Column recordHash() {
    return sha2(concat_ws(SEP, col("content_hash"), orNull(col("label")), orNull(col("image_uri")),
        orNull(to_json(col("attributes")))), 256);
  }

  private static Column orNull(Column c) {
    return coalesce(c, lit(NULL));
  }

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

  /**
   * What makes a rejected row the same row again (in {@code bronze.quarantine} and the feedback
   * quarantine): its place in its file, the record read there and the reason. A quarantine holds
   * each once, stamped with the run that first rejected it, so a rerun of the same input adds nothing.
   */
  public static final java.util.List<String> QUARANTINE_KEY = java.util.List.of("source_file", "source_row",
      "raw_record", "reason");

  /** {@code bronze.quarantine}: every rejected input row, once ({@link #QUARANTINE_KEY}). */
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
