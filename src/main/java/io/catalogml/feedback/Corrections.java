package io.catalogml.feedback;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;

import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** How a corrected label reaches the features: it wins over the catalogue's own. */
public final class Corrections {
  /** Column that says whether a row's label came from {@code gold.feedback}. */
  public static final String CORRECTED = "_corrected";

  private Corrections() {}

  /**
   * {@code products} (with {@code product_id} and {@code label}) with each corrected product's label
   * replaced by its correction, and a boolean {@link #CORRECTED} column; unchanged (all false) when
   * there is no feedback table yet.
   */
  public static Dataset<Row> apply(SparkSession spark, Lake lake, Dataset<Row> products) {
    if (!DeltaTable.isDeltaTable(spark, lake.feedback())) {
      return products.withColumn(CORRECTED, org.apache.spark.sql.functions.lit(false));
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
}
