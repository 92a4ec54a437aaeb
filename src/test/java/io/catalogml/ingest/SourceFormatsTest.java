package io.catalogml.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.lake.Lake;
import java.awt.Color;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** CSV edge cases, JSON lines and Parquet catalogues, and mapping errors. */
class SourceFormatsTest extends SparkTestBase {
  @TempDir
  static Path dir;

  static final String TITLE_1 = "Chemise \"Élégance\", coton bio";
  static final String DESCRIPTION_1 = "<p>Première ligne, avec virgule<br>\nseconde ligne d'&eacute;t&eacute;</p>";
  static final String TITLE_2 = "Café crème — tasse 25 cl";

  /** A BOM, CRLF line ends, a quoted multi-line field with HTML, commas, doubled quotes, accents. */
  static final String TRICKY_CSV = "\uFEFFid,title,description,image\r\n"
      + "1,\"Chemise \"\"Élégance\"\", coton bio\",\"<p>Première ligne, avec virgule<br>\n"
      + "seconde ligne d'&eacute;t&eacute;</p>\",a.jpg\r\n"
      + "2,Café crème — tasse 25 cl,,b.png\r\n";

  @BeforeAll
  static void images() {
    for (String sub : List.of("csv", "json", "parquet")) {
      Fixtures.image(dir.resolve(sub + "/a.jpg"), 60, 80, Color.RED);
      Fixtures.image(dir.resolve(sub + "/b.png"), 10, 20, Color.GREEN);
    }
  }

  private CatalogConfig generic(String sub, String... more) {
    List<String> overrides = new java.util.ArrayList<>(List.of("source.input=" + dir.resolve(sub),
        "source.generic.columns.description=description"));
    overrides.addAll(List.of(more));
    return config(dir.resolve("lake-" + sub), List.of(), overrides.toArray(String[]::new));
  }

  @Test
  void trickyCsvIsReadExactly() {
    Fixtures.write(dir.resolve("csv/products.csv"), TRICKY_CSV);
    CatalogConfig config = generic("csv");
    IngestResult r = new IngestStage(spark, config).execute();
    assertThat(r.rowsIn()).isEqualTo(2);
    assertThat(r.upserted()).isEqualTo(2);

    Map<String, Row> products = Fixtures.byKey(spark, Lake.of(config).products(), "product_id");
    Row one = products.get("1");
    assertThat(one.<String>getAs("title")).isEqualTo(TITLE_1);
    assertThat(one.<String>getAs("description")).isEqualTo(DESCRIPTION_1);
    assertThat(one.<Long>getAs("source_row")).isEqualTo(1L);
    assertThat(one.<Integer>getAs("image_width")).isEqualTo(60);
    assertThat(one.<Integer>getAs("image_height")).isEqualTo(80);
    assertThat(one.<String>getAs("image_format")).isEqualTo("jpeg");
    Row two = products.get("2");
    assertThat(two.<String>getAs("title")).isEqualTo(TITLE_2);
    assertThat(two.<String>getAs("description")).isNull();
    assertThat(two.<Long>getAs("source_row")).isEqualTo(2L);
    assertThat(two.<String>getAs("image_format")).isEqualTo("png");
    assertThat(two.<String>getAs("image_sha256")).isEqualTo(Fixtures.sha256(dir.resolve("csv/b.png")));
  }

  @Test
  void jsonLinesAndParquetGiveTheSameProductsAsCsv() {
    Fixtures.write(dir.resolve("json/products.json"), String.join("\n",
        "{\"id\": 1, \"title\": " + jsonString(TITLE_1) + ", \"description\": " + jsonString(DESCRIPTION_1)
            + ", \"image\": \"a.jpg\"}",
        "{\"id\": 2, \"title\": " + jsonString(TITLE_2) + ", \"image\": \"b.png\"}",
        "{\"id\": 3, \"title\": \"broken",
        ""));
    CatalogConfig json = generic("json", "source.generic.file-format=json", "source.generic.files=*.json");
    IngestResult jr = new IngestStage(spark, json).execute();
    assertThat(jr.rowsIn()).isEqualTo(3);
    assertThat(jr.upserted()).isEqualTo(2);
    assertThat(jr.quarantineReasons()).isEqualTo(Map.of("malformed_record", 1L));
    Row bad = spark.read().format("delta").load(Lake.of(json).quarantine()).head();
    assertThat(bad.<Long>getAs("source_row")).isEqualTo(3L);
    assertThat(bad.<String>getAs("raw_record")).isEqualTo("{\"id\": 3, \"title\": \"broken");

    spark.read().format("delta").load(Lake.of(json).products())
        .selectExpr("cast(product_id as long) as id", "title", "description", "'a.jpg' as image")
        .where("id = 1")
        .unionByName(spark.sql("select 2L as id, '" + TITLE_2 + "' as title, cast(null as string) as description,"
            + " 'b.png' as image"))
        .coalesce(1).write().parquet(dir.resolve("parquet/products").toString());
    CatalogConfig parquet = generic("parquet", "source.generic.file-format=parquet",
        "source.generic.files=products/*.parquet");
    IngestResult pr = new IngestStage(spark, parquet).execute();
    assertThat(pr.upserted()).isEqualTo(2);

    Map<String, Row> fromJson = Fixtures.byKey(spark, Lake.of(json).products(), "product_id");
    Map<String, Row> fromParquet = Fixtures.byKey(spark, Lake.of(parquet).products(), "product_id");
    for (String id : List.of("1", "2")) {
      assertThat(fromJson.get(id).<String>getAs("title")).isEqualTo(id.equals("1") ? TITLE_1 : TITLE_2);
      assertThat(fromParquet.get(id).<String>getAs("content_hash"))
          .isEqualTo(fromJson.get(id).<String>getAs("content_hash"));
    }
    assertThat(fromJson.get("1").<String>getAs("source_format")).isEqualTo("generic-json");
    assertThat(fromParquet.get("1").<String>getAs("source_format")).isEqualTo("generic-parquet");
  }

  @Test
  void aDropOfSeveralFilesNumbersRowsPerFileAndTheLaterFileWins() {
    Fixtures.image(dir.resolve("multi/a.jpg"), 8, 8, Color.RED);
    Fixtures.write(dir.resolve("multi/2026-11-01.csv"), "id,title,description,image\n1,Old title,,a.jpg\n2,Two,,a.jpg\n");
    Fixtures.write(dir.resolve("multi/2026-11-02.csv"), "id,title,description,image\n3,Three,,a.jpg\n1,New title,,a.jpg\n");
    CatalogConfig config = generic("multi");
    IngestResult r = new IngestStage(spark, config).execute();
    assertThat(r.rowsIn()).isEqualTo(4);
    assertThat(r.upserted()).isEqualTo(3);
    assertThat(r.quarantineReasons()).isEqualTo(Map.of("duplicate_id", 1L));
    Row one = Fixtures.byKey(spark, Lake.of(config).products(), "product_id").get("1");
    assertThat(one.<String>getAs("title")).isEqualTo("New title");
    assertThat(one.<String>getAs("source_file")).endsWith("2026-11-02.csv");
    assertThat(one.<Long>getAs("source_row")).isEqualTo(2L);
    Row dup = spark.read().format("delta").load(Lake.of(config).quarantine()).head();
    assertThat(dup.<String>getAs("source_file")).endsWith("2026-11-01.csv");
    assertThat(dup.<Long>getAs("source_row")).isEqualTo(1L);
  }

  @Test
  void filesWithDifferentHeadersInOneDropAreRejected() {
    Fixtures.write(dir.resolve("mixed/a.csv"), "id,title,description,image\n1,One,,a.jpg\n");
    Fixtures.write(dir.resolve("mixed/b.csv"), "id,description,title,image\n2,,Two,a.jpg\n");
    CatalogConfig config = generic("mixed");
    assertThatThrownBy(() -> new IngestStage(spark, config).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("b.csv': its header [id, description, title, image] differs from the header"
            + " [id, title, description, image]");
  }

  @Test
  void mappingErrorsFailBeforeAnyWork() {
    Fixtures.write(dir.resolve("bad/products.csv"), "sku,name\n1,x\n");
    CatalogConfig config = config(dir.resolve("lake-bad"), List.of(), "source.input=" + dir.resolve("bad"));
    assertThatThrownBy(() -> new IngestStage(spark, config).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("column(s) [id, title, image] configured in source.generic.columns are not in the file,"
            + " which has [sku, name]");

    CatalogConfig noFiles = config(dir.resolve("lake-bad"), List.of(), "source.input=" + dir.resolve("bad"),
        "source.generic.files=*.tsv");
    assertThatThrownBy(() -> new IngestStage(spark, noFiles).execute())
        .hasMessageContaining("no file matches '*.tsv'");

    CatalogConfig noInput = config(dir.resolve("lake-bad"), List.of(), "source.input=" + dir.resolve("absent"));
    assertThatThrownBy(() -> new IngestStage(spark, noInput).execute())
        .hasMessageContaining("does not exist or is not a folder");

    CatalogConfig badTemplate = config(dir.resolve("lake-bad"), List.of(), "source.input=" + dir.resolve("bad"),
        "source.generic.columns.image=", "source.image-template=images/{sku.jpg");
    assertThatThrownBy(() -> new IngestStage(spark, badTemplate).execute())
        .hasMessageContaining("Invalid source.image-template 'images/{sku.jpg': unbalanced");
  }

  private static String jsonString(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }
}
