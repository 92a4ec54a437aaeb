package io.catalogml.preprocess;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schema of {@code silver.features}. Documented in the README. */
public final class FeatureTables {
  /** Column of the hashed character n-gram ids of a product's words (empty without subword buckets). */
  public static final String SUBWORD_IDS = "subword_ids";

  private FeatureTables() {}

  /**
   * {@code silver.features} at {@code version}, with every column of {@link #FEATURES}: a column
   * that a table made by an earlier version lacks (not preprocessed since) reads as null, which
   * is what that version's pipelines emitted ({@link #SUBWORD_IDS}: none).
   */
  public static Dataset<Row> read(SparkSession spark, String location, long version) {
    Dataset<Row> rows = spark.read().format("delta").option("versionAsOf", version).load(location);
    java.util.List<String> present = java.util.Arrays.asList(rows.columns());
    for (org.apache.spark.sql.types.StructField f : FEATURES.fields()) {
      if (!present.contains(f.name())) {
        rows = rows.withColumn(f.name(), functions.lit(null).cast(f.dataType()));
      }
    }
    return rows;
  }

  /** How {@code image_spec} names an image size and fit, e.g. {@code 64x64-pad}. */
  public static String imageSpec(io.catalogml.config.ImageSpec spec) {
    return spec.width() + "x" + spec.height() + "-" + spec.fit().name().toLowerCase(java.util.Locale.ROOT);
  }

  /** The image size and fit an {@code image_spec} such as {@code 64x64-pad} names. */
  public static io.catalogml.config.ImageSpec parseImageSpec(String spec) {
    java.util.regex.Matcher m = java.util.regex.Pattern.compile("(\\d+)x(\\d+)-(\\w+)").matcher(spec);
    if (!m.matches()) {
      throw new IllegalArgumentException("image spec '" + spec + "' is not WIDTHxHEIGHT-FIT, e.g. 64x64-pad");
    }
    return new io.catalogml.config.ImageSpec(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
        io.catalogml.config.ImageSpec.Fit.valueOf(m.group(3).toUpperCase(java.util.Locale.ROOT)));
  }

  /** One row per product of bronze.products: model inputs, label and split. */
  public static final StructType FEATURES = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("content_hash", DataTypes.StringType, false)
      .add("label", DataTypes.StringType)
      .add("split", DataTypes.StringType, false)
      .add("title_group", DataTypes.LongType, false)
      .add("title_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      .add("description_ids", DataTypes.createArrayType(DataTypes.IntegerType, false), false)
      // Nullable: a table made before subwords existed gains the column empty (see PreprocessStage).
      .add(SUBWORD_IDS, DataTypes.createArrayType(DataTypes.IntegerType, false))
      .add("image_ok", DataTypes.BooleanType, false)
      .add("image_failure", DataTypes.StringType)
      .add("image_message", DataTypes.StringType)
      .add("image", DataTypes.BinaryType)
      .add("image_spec", DataTypes.StringType, false)
      .add("text_pipeline_id", DataTypes.StringType, false)
      .add("products_version", DataTypes.LongType, false)
      .add("preprocess_run_id", DataTypes.StringType, false)
      .add("computed_at", DataTypes.TimestampType, false);
}
