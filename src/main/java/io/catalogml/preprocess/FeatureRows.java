package io.catalogml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.catalogml.config.CatalogConfig.PreprocessSettings;
import io.catalogml.config.ImageSpec;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.text.TextPipeline;
import java.sql.Timestamp;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * How a product of {@code bronze.products} becomes a row of {@link FeatureTables#FEATURES}, on
 * the executors. The one featurisation: preprocess stores its rows in silver, and scoring and
 * evaluation featurise here with a model package's own text pipeline and image size the
 * products silver does not hold as the model needs them.
 */
public final class FeatureRows {
  /** Failure code of an image that was not decoded because the model reads no image. */
  public static final String NOT_READ = "not_read";
  /** Columns of bronze a featurisation reads, plus {@code split} and {@code title_group}. */
  static final String[] PRODUCT_COLUMNS = {"product_id", "content_hash", "label", "title", "description",
      TextPipeline.ATTRIBUTES, "image_uri", "image_status", "image_sha256"};

  private FeatureRows() {}

  /** {@code bronze.products} at {@code version} with the columns featurisation reads and each product's split. */
  public static Dataset<Row> products(SparkSession spark, Lake lake, long version, PreprocessSettings settings) {
    Dataset<Row> bronze = spark.read().format("delta").option("versionAsOf", version).load(lake.products());
    return TitleGroups.assign(bronze.select(PRODUCT_COLUMNS[0],
        Arrays.copyOfRange(PRODUCT_COLUMNS, 1, PRODUCT_COLUMNS.length)), settings);
  }

  /**
   * Feature rows of products as {@link #products} gives them.
   *
   * @param images decode images; false gives {@code image_ok = false} with {@link #NOT_READ} (a text-only model)
   */
  public static Dataset<Row> compute(Dataset<Row> rows, TextPipeline text, ImageSpec image, boolean images,
      long productsVersion, String runId, Timestamp now) {
    UserDefinedFunction title = udf((UDF1<String, int[]>) text::encodeTitle,
        DataTypes.createArrayType(DataTypes.IntegerType, false));
    UserDefinedFunction description = udf(
        (UDF2<String, scala.collection.Map<String, String>, int[]>) text::encodeDescription,
        DataTypes.createArrayType(DataTypes.IntegerType, false));
    UserDefinedFunction subwords = udf((UDF2<String, String, int[]>) text::encodeSubwords,
        DataTypes.createArrayType(DataTypes.IntegerType, false));
    // A pipeline that reads no attribute never touches the column, so Spark need not read bronze's maps for it.
    Column attributes = text.settings().attributes().isEmpty()
        ? lit(null).cast(DataTypes.createMapType(DataTypes.StringType, DataTypes.StringType))
        : col(TextPipeline.ATTRIBUTES);
    Dataset<Row> withText = rows
        .withColumn("title_ids", title.apply(col("title")))
        .withColumn("description_ids", description.apply(col("description"), attributes))
        .withColumn(FeatureTables.SUBWORD_IDS, subwords.apply(col("title"), col("description")))
        .withColumn("text_pipeline_id", lit(text.id()))
        .withColumn("image_spec", lit(FeatureTables.imageSpec(image)))
        .withColumn("products_version", lit(productsVersion))
        .withColumn("preprocess_run_id", lit(runId))
        .withColumn("computed_at", lit(now));
    Dataset<Row> withImages = images ? ImageColumns.add(withText, image)
        : withText.withColumn("image_ok", lit(false))
            .withColumn("image_failure", lit(NOT_READ))
            .withColumn("image_message", lit("the model reads no image"))
            .withColumn("image", lit(null).cast(DataTypes.BinaryType));
    return withImages.select(Arrays.stream(FeatureTables.FEATURES.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }
}
