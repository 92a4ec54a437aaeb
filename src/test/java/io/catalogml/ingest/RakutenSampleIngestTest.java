package io.catalogml.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The bundled Rakuten challenge rows through conf/examples/rakuten.conf. */
class RakutenSampleIngestTest extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void trainFileIsJoinedWithItsLabelsAndKeepsTextAsGiven() {
    CatalogConfig config = config(dir.resolve("lake"), List.of("conf/examples/rakuten.conf"),
        "source.input=data/sample/rakuten");
    IngestResult r = new IngestStage(spark, config).execute();
    assertThat(r.rowsIn()).isEqualTo(499);
    assertThat(r.upserted()).isEqualTo(499);
    assertThat(r.quarantined()).isZero();
    assertThat(r.keptWithoutImage()).isEqualTo(499);
    assertThat(r.source()).isEqualTo("rakuten");

    Map<String, Row> products = Fixtures.byKey(spark, Lake.of(config).products(), "product_id");
    Row stylet = products.get("201115110");
    assertThat(stylet.<String>getAs("title"))
        .isEqualTo("Grand Stylet Ergonomique Bleu Gamepad Nintendo Wii U - Speedlink Pilot Style");
    assertThat(stylet.<String>getAs("label")).isEqualTo("50");
    assertThat(stylet.<String>getAs("description"))
        .startsWith("PILOT STYLE Touch Pen de marque Speedlink")
        .contains("précision maximale")
        .endsWith("<span class=\"vga_style2\"><b></b><br>");
    Map<String, String> attributes = stylet.getJavaMap(stylet.fieldIndex("attributes"));
    assertThat(attributes).containsEntry("index", "2").containsEntry("imageid", "938777978");
    assertThat(products.get("278535884").<String>getAs("description")).startsWith("Luc a des id&eacute;es");
    assertThat(products.get("278535884").<String>getAs("label")).isEqualTo("2705");
    assertThat(stylet.<String>getAs("image_status")).isEqualTo("missing");
  }

  @Test
  void imagesFollowTheChallengeNamingAndTheTestFileIsUnlabelled() throws Exception {
    Path drop = Fixtures.copyTree(Path.of("data/sample/rakuten"), dir.resolve("drop"));
    Path images = Files.createDirectories(drop.resolve("images/image_test"));
    Path realJpeg = Path.of("data/sample/fashion/images/18461.jpg");
    String firstRow = Files.readAllLines(drop.resolve("X_test_update.csv")).get(1);
    String[] fields = firstRow.split(",");
    String productId = fields[fields.length - 2];
    String imageId = fields[fields.length - 1];
    Files.copy(realJpeg, images.resolve("image_" + imageId + "_product_" + productId + ".jpg"));

    CatalogConfig config = config(dir.resolve("lake2"), List.of("conf/examples/rakuten.conf"),
        "source.input=" + drop, "source.rakuten.x-file=X_test_update.csv", "source.rakuten.y-file=",
        "source.image-root=images/image_test", "ingest.missing-image=quarantine");
    IngestResult r = new IngestStage(spark, config).execute();
    assertThat(r.rowsIn()).isEqualTo(499);
    assertThat(r.upserted()).isEqualTo(1);
    assertThat(r.quarantineReasons()).isEqualTo(Map.of("image_missing", 498L));

    Row product = Fixtures.byKey(spark, Lake.of(config).products(), "product_id").get(productId);
    assertThat(product.<String>getAs("label")).isNull();
    assertThat(product.<String>getAs("image_status")).isEqualTo("ok");
    assertThat(product.<String>getAs("image_sha256")).isEqualTo(Fixtures.sha256(realJpeg));
  }
}
