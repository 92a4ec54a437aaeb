package io.catalogml.feedback;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * How a corrected label reaches the features and the predictions: it wins over the catalogue's own.
 * Preprocess gives the feature row the corrected label; score records it in {@code gold.predictions}
 * ({@code label}, {@code label_agrees}) with where it came from ({@code label_source}).
 */
public final class Corrections {
  /** Column that says whether a row's label came from {@code gold.feedback}. */
  public static final String CORRECTED = "_corrected";
  /** {@code label_source} of a label the catalogue gave. */
  public static final String CATALOGUE = "catalogue";
  /** {@code label_source} of a label a person corrected ({@code gold.feedback}). */
  public static final String FEEDBACK = "feedback";

  private Corrections() {}

  /**
   * {@code products} (with {@code product_id} and {@code label}) with each corrected product's label
   * replaced by its correction, and a boolean {@link #CORRECTED} column; unchanged (all false) when
   * there is no feedback table yet.
   */
  public static Dataset<Row> apply(SparkSession spark, Lake lake, Dataset<Row> products) {
    if (!DeltaTable.isDeltaTable(spark, lake.feedback())) {
      return products.withColumn(CORRECTED, lit(false));
    }
    Dataset<Row> fixes = spark.read().format("delta").load(lake.feedback())
        .select(col("product_id").as("_fid"), col("label").as("_flabel"));
    String[] columns = products.columns();
    Dataset<Row> joined = products.join(fixes, products.col("product_id").equalTo(fixes.col("_fid")), "left");
    org.apache.spark.sql.Column[] out = new org.apache.spark.sql.Column[columns.length + 1];
    for (int i = 0; i < columns.length; i++) {
      out[i] = columns[i].equals("label") ? coalesce(col("_flabel"), col("label")).as("label") : col(columns[i]);
    }
    out[columns.length] = col("_flabel").isNotNull().as(CORRECTED);
    return joined.select(out);
  }

  /**
   * Each product of {@code products} (with {@code product_id} and {@code label}) with the label that
   * counts for it ({@link #apply}) and where it came from: {@code product_id}, {@code label},
   * {@code label_source} ({@value #FEEDBACK}, {@value #CATALOGUE}, or null for an unlabelled product).
   */
  public static Dataset<Row> labels(SparkSession spark, Lake lake, Dataset<Row> products) {
    return apply(spark, lake, products.select("product_id", "label")).select(col("product_id"), col("label"),
        when(col(CORRECTED), lit(FEEDBACK)).when(col("label").isNotNull(), lit(CATALOGUE))
            .otherwise(lit(null).cast(DataTypes.StringType)).as("label_source"));
  }
}
