package io.catalogml.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.catalogml.config.CatalogConfig.PreprocessSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.FeatureRows;
import io.delta.tables.DeltaTable;
import io.catalogml.preprocess.FeatureTables;
import java.sql.Timestamp;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The features rule of every job that applies a saved model (score, evaluate): the model sees
 * exactly the features it was trained with. A row of {@code silver.features} is used as it is
 * when it was made from the product's current content with the package's text pipeline (and,
 * for a model that reads images, its image size and fit); every other product (silver refitted
 * since, another image size, not preprocessed yet) is featurised from {@code bronze.products}
 * on the executors with the package's own pipeline and image settings ({@link FeatureRows}).
 * Column {@link #SOURCE} says which path each row took.
 */
public final class ModelFeatures {
  /** Column naming where a row's features came from: {@link #SILVER} or {@link #BRONZE}. */
  public static final String SOURCE = "features_source";
  public static final String SILVER = "silver";
  public static final String BRONZE = "bronze";
  /** Columns of the rows returned. */
  public static final String[] COLUMNS = {"product_id", "content_hash", "label", "split", "title_ids",
      "description_ids", FeatureTables.SUBWORD_IDS, "image_ok", "image_failure", "image_message", "image", SOURCE};

  private ModelFeatures() {}

  /**
   * What a job that applies a model reads, each table at one Delta version.
   *
   * @param products {@code bronze.products} at {@code productsVersion}, as {@link FeatureRows#products} gives it
   * @param productsVersion its version
   * @param silver {@code silver.features} at {@code featuresVersion}, or null when there is no such table
   * @param featuresVersion its version, or null
   */
  public record Inputs(Dataset<Row> products, long productsVersion, Dataset<Row> silver, Long featuresVersion) {}

  /**
   * {@code rows} as a model sees products whose image is unusable: {@code image_ok} false, so a
   * network reads zeros and {@code image_present = 0} in place of each photo, and a product is
   * scored through the text path. What {@code train} evaluates a fusion network's text path with.
   */
  public static Dataset<Row> withoutImages(Dataset<Row> rows) {
    return rows.withColumn("image_ok", lit(false));
  }

  /** Fails with what to do when the lake has no {@code bronze.products}. */
  public static void requireProducts(SparkSession spark, Lake lake) {
    if (!DeltaTable.isDeltaTable(spark, lake.products())) {
      throw CatalogErrors.tableMissing(lake.names().products(), lake.products(), "run the ingest job first");
    }
  }

  /** The current versions of bronze and (if it exists) silver; fails with what to do when bronze is missing. */
  public static Inputs read(SparkSession spark, Lake lake, PreprocessSettings settings) {
    requireProducts(spark, lake);
    long productsVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.products()));
    Long featuresVersion = null;
    Dataset<Row> silver = null;
    if (DeltaTable.isDeltaTable(spark, lake.features())) {
      featuresVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.features()));
      silver = FeatureTables.read(spark, lake.features(), featuresVersion);
    }
    return new Inputs(FeatureRows.products(spark, lake, productsVersion, settings), productsVersion, silver,
        featuresVersion);
  }

  /**
   * Feature rows of {@code products} (as {@link FeatureRows#products} gives them) for the model of
   * {@code pkg}.
   *
   * @param silver rows of {@code silver.features}, or null when the table does not exist
   */
  public static Dataset<Row> of(Dataset<Row> products, Dataset<Row> silver, ModelPackage pkg, long productsVersion,
      String runId, Timestamp now) {
    InputSpec spec = pkg.spec();
    boolean images = spec.mode().usesImage();
    Dataset<Row> fromSilver = null;
    Dataset<Row> rest = products;
    if (silver != null) {
      Column usable = col("text_pipeline_id").equalTo(spec.textPipelineId());
      if (images) {
        usable = usable.and(col("image_spec").equalTo(spec.imageSpec()));
      }
      Dataset<Row> matching = silver.where(usable).select(col("product_id").as("_sid"),
          col("content_hash").as("_shash"), col("title_ids"), col("description_ids"), col(FeatureTables.SUBWORD_IDS), col("image_ok"),
          col("image_failure"), col("image_message"), col("image"));
      Dataset<Row> joined = products.select("product_id", "content_hash", "label", "split")
          .join(matching, col("product_id").equalTo(col("_sid")).and(col("content_hash").equalTo(col("_shash"))));
      fromSilver = joined.withColumn(SOURCE, lit(SILVER)).select(columns());
      rest = products.join(joined.select(col("_sid")), col("product_id").equalTo(col("_sid")), "left_anti");
    }
    Dataset<Row> fromBronze = FeatureRows.compute(rest, pkg.textPipeline(),
        FeatureTables.parseImageSpec(spec.imageSpec()), images, productsVersion, runId, now)
        .withColumn(SOURCE, lit(BRONZE)).select(columns());
    return fromSilver == null ? fromBronze : fromSilver.unionByName(fromBronze);
  }

  private static Column[] columns() {
    return Arrays.stream(COLUMNS).map(c -> col(c)).toArray(Column[]::new);
  }
}
