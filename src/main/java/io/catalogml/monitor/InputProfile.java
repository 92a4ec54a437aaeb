package io.catalogml.monitor;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.catalogml.preprocess.text.TextPipeline;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * What a set of products looks like to a model, measured the same way on the catalogue it was trained
 * on (the reference) and on a night's catalogue: its titles read by the model's own text pipeline, and
 * its images as preprocess found them.
 *
 * @param products products measured
 * @param unknownWordShare share of title words outside the model's vocabulary (null: no title has a word)
 * @param meanTitleWords mean words per title as the pipeline reads them (null: no title has a word)
 * @param imageFailureShare share of products without a usable image
 */
public record InputProfile(long products, Double unknownWordShare, Double meanTitleWords, double imageFailureShare) {

  /**
   * Measures {@code rows}, which need a {@code title} and an {@code image_ok} column (null = not
   * known, counted as unusable).
   *
   * @param text the model's text pipeline
   */
  public static InputProfile measure(Dataset<Row> rows, TextPipeline text) {
    UserDefinedFunction words = udf((UDF1<String, int[]>) t -> t == null ? new int[2] : text.titleWords(t),
        DataTypes.createArrayType(DataTypes.IntegerType, false));
    Row r = rows.select(words.apply(col("title")).as("_w"), col("image_ok"))
        .agg(count(lit(1)), sum(col("_w").getItem(0)), sum(col("_w").getItem(1)),
            sum(when(col("image_ok").eqNullSafe(true), 0).otherwise(1)))
        .head();
    long products = r.getLong(0);
    long wordCount = r.isNullAt(1) ? 0 : r.getLong(1);
    long unknown = r.isNullAt(2) ? 0 : r.getLong(2);
    long failures = r.isNullAt(3) ? 0 : r.getLong(3);
    return new InputProfile(products, wordCount == 0 ? null : (double) unknown / wordCount,
        wordCount == 0 ? null : (double) wordCount / products, products == 0 ? 0 : (double) failures / products);
  }
}
