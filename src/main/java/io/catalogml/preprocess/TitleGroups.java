package io.catalogml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.catalogml.config.CatalogConfig.PreprocessSettings;
import io.catalogml.preprocess.text.TextNormalizer;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The deterministic train / validation / test split. Products are grouped by their normalised
 * title (the description when there is no title, the image file's sha256 when there is no text
 * at all: an image-only catalogue), the group is hashed with a salt, and the hash picks the split:
 * identical titles (or identical image files) always land in the same split, on every run, and a
 * product moves only when its title changes.
 */
public final class TitleGroups {
  public static final String TRAIN = "train";
  public static final String VALIDATION = "validation";
  public static final String TEST = "test";
  private static final int BUCKETS = 1_000_000;

  private TitleGroups() {}

  /** Adds {@code title_group} (the group hash) and {@code split}; reads title, description and image_sha256. */
  public static Dataset<Row> assign(Dataset<Row> products, PreprocessSettings settings) {
    TextNormalizer normalizer = new TextNormalizer(settings.text());
    UserDefinedFunction groupText = udf(
        (UDF3<String, String, String, String>) (title, description, imageSha256) -> {
          String t = normalizer.clean(title);
          if (!t.isEmpty()) {
            return t;
          }
          String d = normalizer.clean(description);
          return d.isEmpty() && imageSha256 != null ? "image: " + imageSha256 : "description: " + d;
        }, DataTypes.StringType);
    Column group = xxhash64(lit(settings.splitSalt()),
        groupText.apply(col("title"), col("description"), col("image_sha256")));
    Column bucket = pmod(col("title_group"), lit(BUCKETS));
    long trainEnd = Math.round(settings.train() * BUCKETS);
    long validationEnd = Math.round((settings.train() + settings.validation()) * BUCKETS);
    return products
        .withColumn("title_group", group)
        .withColumn("split", when(bucket.lt(trainEnd), lit(TRAIN))
            .when(bucket.lt(validationEnd), lit(VALIDATION))
            .otherwise(lit(TEST)));
  }
}
