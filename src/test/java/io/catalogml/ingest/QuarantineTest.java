package io.catalogml.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import java.awt.Color;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every quarantine reason, on one drop, with nothing lost; the same drop again quarantines nothing twice. */
class QuarantineTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path drop;

  static final String CSV = String.join("\n",
      "id,title,description,image,label",
      "p1,Good shirt,,images/p1.jpg,shirt",
      ",No id,,images/p1.jpg,shirt",
      "bad id!,Bad id,,images/p1.jpg,shirt",
      "p4,First version,,images/p4.jpg,shirt",
      "p5,,  ,images/p5.jpg,shirt",
      "p6,Unknown label,,images/p6.jpg,spaceship",
      "p7,Missing image,,images/nope.jpg,shirt",
      "p8,Not an image,,images/text.jpg,shoe",
      "p4,Second version,,images/p4.jpg,shoe",
      "p10,Escape,,../../etc/passwd,shoe",
      "p11,Folder,,images/folder.jpg,shoe",
      "p12,Corrupt header,,images/corrupt.jpg,shoe",
      "p13,Too,many,fields,in,this,row",
      "p14,Absolute,,/etc/passwd,shoe",
      "p15,No image path,,,shoe",
      "");

  @BeforeAll
  static void makeDrop() throws Exception {
    drop = dir.resolve("drop");
    Fixtures.write(drop.resolve("products.csv"), CSV);
    for (String id : List.of("p1", "p4", "p5", "p6")) {
      Fixtures.image(drop.resolve("images/" + id + ".jpg"), 40, 30, Color.BLUE);
    }
    Fixtures.write(drop.resolve("images/text.jpg"), "this is not a JPEG\n");
    Files.createDirectories(drop.resolve("images/folder.jpg"));
    Fixtures.write(drop.resolve("images/corrupt.jpg"),
        new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xC0, 0, 3, 1, 2, 3});
  }

  private CatalogConfig config(Path lake) {
    return config(lake, List.of(), "source.input=" + drop, "source.generic.columns.description=description",
        "source.generic.columns.label=label", "ingest.labels=[shirt, shoe]");
  }

  @Test
  void everyRowEndsInProductsOrQuarantineWithItsReason() {
    Path lakeDir = dir.resolve("lake1");
    CatalogConfig config = config(lakeDir);
    IngestResult r = new IngestStage(spark, config).execute();

    assertThat(r.rowsIn()).isEqualTo(15);
    assertThat(r.upserted()).isEqualTo(2);
    assertThat(r.quarantined()).isEqualTo(13);
    assertThat(r.rowsIn()).isEqualTo(r.upserted() + r.unchanged() + r.quarantined());
    assertThat(r.quarantineReasons()).isEqualTo(Map.of(
        "malformed_record", 1L, "missing_id", 1L, "malformed_id", 1L, "duplicate_id", 1L,
        "missing_text", 1L, "unknown_label", 1L, "image_missing", 2L, "image_not_an_image", 1L,
        "image_path_escape", 2L, "image_unreadable", 2L));

    Lake lake = Lake.of(config);
    Map<Long, Row> byRow = new java.util.TreeMap<>();
    for (Row q : spark.read().format("delta").load(lake.quarantine()).collectAsList()) {
      byRow.put(q.getAs("source_row"), q);
    }
    assertThat(byRow.keySet()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 10L, 11L, 12L, 13L, 14L, 15L);
    assertReason(byRow.get(2L), "missing_id", "product id is empty");
    assertReason(byRow.get(3L), "malformed_id", "product id 'bad id!' does not match ingest.id-pattern");
    assertReason(byRow.get(4L), "duplicate_id", "appears again later in this drop");
    assertThat(byRow.get(4L).<String>getAs("message")).contains("products.csv row 9");
    assertReason(byRow.get(5L), "missing_text", "title and description are both empty");
    assertReason(byRow.get(6L), "unknown_label", "label 'spaceship' is not in ingest.labels");
    assertReason(byRow.get(7L), "image_missing", "image file 'images/nope.jpg' does not exist");
    assertReason(byRow.get(8L), "image_not_an_image", "is not in an image format");
    assertReason(byRow.get(10L), "image_path_escape", "'../../etc/passwd' is absolute or leaves the image root");
    assertReason(byRow.get(11L), "image_unreadable", "is a folder");
    assertReason(byRow.get(12L), "image_unreadable", "corrupt header");
    assertReason(byRow.get(13L), "malformed_record", "could not be parsed as CSV");
    assertReason(byRow.get(14L), "image_path_escape", "'/etc/passwd' is absolute");
    assertReason(byRow.get(15L), "image_missing", "no image path given");

    Row dup = byRow.get(4L);
    assertThat(dup.<String>getAs("product_id")).isEqualTo("p4");
    assertThat(dup.<String>getAs("raw_record")).contains("\"title\":\"First version\"");
    assertThat(byRow.get(13L).<String>getAs("raw_record")).isEqualTo("p13,Too,many,fields,in,this,row");
    assertThat(byRow.values()).allSatisfy(q -> {
      assertThat(q.<String>getAs("ingest_run_id")).isEqualTo(r.runId());
      assertThat(q.<String>getAs("source_file")).endsWith("products.csv");
    });

    Map<String, Row> products = Fixtures.byKey(spark, lake.products(), "product_id");
    assertThat(products.keySet()).containsExactly("p1", "p4");
    assertThat(products.get("p4").<String>getAs("title")).isEqualTo("Second version");
    assertThat(products.get("p4").<String>getAs("label")).isEqualTo("shoe");
    assertThat(products.get("p4").<Long>getAs("source_row")).isEqualTo(9L);

    IngestResult again = new IngestStage(spark, config).execute();
    assertThat(again.quarantined()).as("rejected again").isEqualTo(13);
    assertThat(again.quarantineVersion()).as("but not written again").isEqualTo(r.quarantineVersion());
    assertThat(spark.read().format("delta").load(lake.quarantine()).where("ingest_run_id = '" + r.runId() + "'")
        .count()).isEqualTo(spark.read().format("delta").load(lake.quarantine()).count()).isEqualTo(13);
  }

  @Test
  void missingImagesCanBeKeptWithoutImage() {
    CatalogConfig config = config(dir.resolve("lake2"), List.of(), "source.input=" + drop,
        "source.generic.columns.description=description", "source.generic.columns.label=label",
        "ingest.labels=[shirt, shoe]", "ingest.missing-image=keep");
    IngestResult r = new IngestStage(spark, config).execute();
    assertThat(r.upserted()).isEqualTo(4);
    assertThat(r.keptWithoutImage()).isEqualTo(2);
    assertThat(r.quarantineReasons()).doesNotContainKey("image_missing");
    Row p7 = Fixtures.byKey(spark, Lake.of(config).products(), "product_id").get("p7");
    assertThat(p7.<String>getAs("image_status")).isEqualTo("missing");
    assertThat(p7.<String>getAs("image_uri")).isNull();
  }

  private static void assertReason(Row row, String reason, String messagePart) {
    assertThat(row.<String>getAs("reason")).isEqualTo(reason);
    assertThat(row.<String>getAs("message")).contains(messagePart);
  }
}
