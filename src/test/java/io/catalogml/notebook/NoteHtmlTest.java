package io.catalogml.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notes' HTML: products with their real picture files, the run's PNGs, hostile titles. */
class NoteHtmlTest extends SparkTestBase {
  static final StructType PRODUCTS = new StructType()
      .add("product_id", DataTypes.StringType)
      .add("label", DataTypes.StringType)
      .add("title", DataTypes.StringType)
      .add("image_uri", DataTypes.StringType);
  static final Pattern DATA_URI = Pattern.compile("src=\"data:(image/[a-z]+);base64,([A-Za-z0-9+/=]+)\"");

  @TempDir
  Path dir;

  String uri(Path file) {
    return file.toUri().toString();
  }

  @Test
  void onePerLabelTakesTheMostFrequentLabelsAndPrefersAProductWithAnImage() {
    Dataset<Row> products = spark.createDataFrame(List.of(
        RowFactory.create("a1", "Shirts", "t", null), RowFactory.create("a2", "Shirts", "t", "file:/x/a2.jpg"),
        RowFactory.create("a3", "Shirts", "t", "file:/x/a3.jpg"), RowFactory.create("b1", "Jeans", "t", "file:/x/b1.jpg"),
        RowFactory.create("b2", "Jeans", "t", null), RowFactory.create("c1", "Watches", "t", "file:/x/c1.jpg"),
        RowFactory.create("n1", null, "t", "file:/x/n1.jpg"), RowFactory.create("n2", null, "t", null),
        RowFactory.create("n3", null, "t", null)), PRODUCTS);

    List<Row> picked = NoteHtml.onePerLabel(products, 2).collectAsList();

    assertThat(picked).extracting(r -> r.<String>getAs("product_id")).containsExactly("a2", "b1");
    assertThat(picked).extracting(r -> r.<Long>getAs("label_products")).containsExactly(3L, 2L);
  }

  @Test
  void theGalleryEmbedsEachPictureAndEscapesText() throws Exception {
    Path jpeg = Fixtures.image(dir.resolve("images/p1.jpg"), 20, 10, Color.RED);
    List<Row> rows = List.of(
        RowFactory.create("p1", "Shirts", "<script>alert('x')</script> & co", uri(jpeg)),
        RowFactory.create("p2", "Jeans", "Blue", uri(dir.resolve("images/gone.jpg"))),
        RowFactory.create("p3", "Watches", "No picture", null));

    String html = NoteHtml.gallery(spark, spark.createDataFrame(rows, PRODUCTS).collectAsList());

    assertThat(html).startsWith("%html <table").endsWith("</table>").doesNotContain("<script>", "\n");
    assertThat(html).contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co");
    Matcher m = DATA_URI.matcher(html);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("image/jpeg");
    assertThat(Base64.getDecoder().decode(m.group(2))).isEqualTo(Files.readAllBytes(jpeg));
    assertThat(m.find()).as("one picture only").isFalse();
    assertThat(html).contains("cannot show gone.jpg: the file ", "no image", "width=\"96\"");
  }

  @Test
  void imagesShowsThePngsSideBySideAndNamesAFileThatIsNoPicture() throws Exception {
    Path png = Fixtures.image(dir.resolve("evaluation/learning-curve.png"), 30, 20, Color.BLUE);
    Path json = Fixtures.write(dir.resolve("evaluation/test.json"), "{}");

    String html = NoteHtml.images(spark, uri(png), json.toString());

    Matcher m = DATA_URI.matcher(html);
    assertThat(m.find()).isTrue();
    assertThat(m.group(1)).isEqualTo("image/png");
    assertThat(Base64.getDecoder().decode(m.group(2))).isEqualTo(Files.readAllBytes(png));
    assertThat(html).startsWith("%html ").contains("<figcaption>learning-curve.png</figcaption>",
        "not a picture: " + json);
  }
}
