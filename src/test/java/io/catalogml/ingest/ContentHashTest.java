package io.catalogml.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;

/**
 * {@code content_hash}: a product without attributes keeps the hash of the formula before attributes
 * counted (so an existing lake of such products sees no change), and any attribute is content.
 */
class ContentHashTest extends SparkTestBase {

  @Test
  void withoutAttributesTheHashIsTheOneBeforeAndAnyAttributeChangesIt() throws Exception {
    List<Row> rows = spark.sql("SELECT * FROM VALUES"
            + " ('a', 'Puma Men Shoe', CAST(NULL AS STRING), 'f00d', CAST(NULL AS MAP<STRING,STRING>)),"
            + " ('b', 'Puma Men Shoe', CAST(NULL AS STRING), 'f00d', map()),"
            + " ('c', 'Puma Men Shoe', CAST(NULL AS STRING), 'f00d', map('usage', 'Sports', 'gender', 'Men')),"
            + " ('d', 'Puma Men Shoe', CAST(NULL AS STRING), 'f00d', map('gender', 'Men', 'usage', 'Sports')),"
            + " ('e', 'Puma Men Shoe', CAST(NULL AS STRING), 'f00d', map('gender', 'Men', 'usage', 'Casual'))"
            + " AS t(product_id, title, description, image_sha256, attributes)")
        .withColumn("attributes", expr("CAST(attributes AS MAP<STRING,STRING>)"))
        .select(col("product_id"), ProductTables.contentHash().as("h")).orderBy("product_id").collectAsList();
    // The formula before attributes: sha256 of title, description and image sha256, NUL for a null, 0x1F between.
    String before = sha256("Puma Men Shoe\u001f\u0000\u001ff00d");
    assertThat(rows.get(0).getString(1)).as("null attributes").isEqualTo(before);
    assertThat(rows.get(1).getString(1)).as("no attributes").isEqualTo(before);
    assertThat(rows.get(2).getString(1)).as("attributes are content").isNotEqualTo(before);
    assertThat(rows.get(3).getString(1)).as("in any order").isEqualTo(rows.get(2).getString(1));
    assertThat(rows.get(4).getString(1)).as("another value").isNotEqualTo(rows.get(2).getString(1));
  }

  private static String sha256(String s) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
  }
}
