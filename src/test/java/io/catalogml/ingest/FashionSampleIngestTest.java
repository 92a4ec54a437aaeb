package io.catalogml.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled real fashion sample (1,000 products) through conf/examples/fashion.conf: first
 * ingest, an identical re-ingest, then a drop with three edited products. The tests share one
 * lake and run in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FashionSampleIngestTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path drop;
  static CatalogConfig config;
  static Lake lake;
  static IngestResult first;

  @BeforeAll
  static void ingestOnce() {
    drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    config = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"), "source.input=" + drop);
    lake = Lake.of(config);
    first = new IngestStage(spark, config).execute();
  }

  @Test
  @Order(1)
  void firstIngestStoresEveryRealProduct() throws Exception {
    assertThat(first.rowsIn()).isEqualTo(1000);
    assertThat(first.inserted()).isEqualTo(1000);
    assertThat(first.quarantined()).isZero();
    assertThat(first.source()).isEqualTo("generic-csv");

    Map<String, Row> products = Fixtures.byKey(spark, lake.products(), "product_id");
    assertThat(products).hasSize(1000);
    Row deo = products.get("18461");
    assertThat(deo.<String>getAs("title")).isEqualTo("David Beckham Signature Men Deos");
    assertThat(deo.<String>getAs("label")).isEqualTo("Deodorant");
    assertThat(deo.<Long>getAs("source_row")).isEqualTo(1L);
    Map<String, String> attributes = deo.getJavaMap(deo.fieldIndex("attributes"));
    assertThat(attributes).containsEntry("gender", "Men").containsEntry("subCategory", "Fragrance")
        .containsEntry("masterCategory", "Personal Care").containsEntry("year", "2017").hasSize(7);

    Path image = drop.resolve("images/18461.jpg");
    BufferedImage decoded = ImageIO.read(image.toFile());
    assertThat(deo.<Integer>getAs("image_width")).isEqualTo(decoded.getWidth());
    assertThat(deo.<Integer>getAs("image_height")).isEqualTo(decoded.getHeight());
    assertThat(deo.<Long>getAs("image_size")).isEqualTo(Files.size(image));
    assertThat(deo.<String>getAs("image_sha256")).isEqualTo(Fixtures.sha256(image));
    assertThat(deo.<String>getAs("image_uri")).endsWith("/drop/images/18461.jpg");
    assertThat(deo.<String>getAs("image_status")).isEqualTo("ok");
    assertThat(products.values()).allSatisfy(p -> assertThat(p.<String>getAs("content_hash")).hasSize(64));
  }

  @Test
  @Order(2)
  void reingestingTheSameDropChangesNoRow() {
    long versionBefore = DeltaTable.forPath(spark, lake.products()).history(1).head().getLong(0);
    IngestResult again = new IngestStage(spark, config).execute();
    assertThat(again.rowsIn()).isEqualTo(1000);
    assertThat(again.upserted()).isZero();
    assertThat(again.unchanged()).isEqualTo(1000);
    assertThat(again.productsVersion()).isEqualTo(versionBefore);
    assertThat(runIds()).containsExactly(first.runId());
  }

  @Test
  @Order(3)
  void aDropWithThreeEditedProductsUpdatesExactlyThose() throws Exception {
    Path styles = drop.resolve("styles.csv");
    String csv = Files.readString(styles, StandardCharsets.UTF_8);
    Map<String, Row> before = Fixtures.byKey(spark, lake.products(), "product_id");
    // 1: a new title; 2: a relabelled product; 3: a new image, same text.
    csv = csv.replace("David Beckham Signature Men Deos", "David Beckham Signature Men Deodorant");
    csv = csv.replace("2886,Women,Footwear,Shoes,Flats,", "2886,Women,Footwear,Shoes,Casual Shoes,");
    Files.writeString(styles, csv, StandardCharsets.UTF_8);
    Files.copy(drop.resolve("images/18461.jpg"), drop.resolve("images/3168.jpg"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    IngestResult edited = new IngestStage(spark, config).execute();
    assertThat(edited.updated()).isEqualTo(3);
    assertThat(edited.inserted()).isZero();
    assertThat(edited.unchanged()).isEqualTo(997);

    Map<String, Row> after = Fixtures.byKey(spark, lake.products(), "product_id");
    Set<String> touched = new TreeSet<>();
    after.forEach((id, row) -> {
      if (row.<String>getAs("ingest_run_id").equals(edited.runId())) {
        touched.add(id);
      }
    });
    assertThat(touched).containsExactly("18461", "2886", "3168");
    assertThat(after.get("2886").<String>getAs("label")).isEqualTo("Casual Shoes");
    assertThat(after.get("2886").<String>getAs("content_hash")).isEqualTo(before.get("2886").getAs("content_hash"));
    assertThat(after.get("18461").<String>getAs("content_hash")).isNotEqualTo(before.get("18461").getAs("content_hash"));
    assertThat(after.get("3168").<String>getAs("image_sha256")).isEqualTo(after.get("18461").getAs("image_sha256"));
    assertThat(after.get("3168").<java.sql.Timestamp>getAs("created_at"))
        .isEqualTo((java.sql.Timestamp) before.get("3168").getAs("created_at"));
    assertThat(after.get("3168").<java.sql.Timestamp>getAs("updated_at"))
        .isAfter(before.get("3168").<java.sql.Timestamp>getAs("updated_at"));
  }

  private static Set<String> runIds() {
    Set<String> ids = new TreeSet<>();
    spark.read().format("delta").load(lake.products()).select("ingest_run_id").distinct().collectAsList()
        .forEach(r -> ids.add(r.getString(0)));
    return ids;
  }
}
