package io.catalogml.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.PreprocessResult;
import io.catalogml.preprocess.PreprocessStage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile files in a copy of the bundled fashion sample, as a new user would try them: image
 * paths that are links to {@code /etc/passwd} and {@code /dev/zero}, a FIFO, an image over
 * {@code ingest.max-image-bytes}, a title in Latin-1 in a drop declared UTF-8, and an image
 * swapped for a link to {@code /dev/zero} between ingest and preprocess. Each costs its own row,
 * never the job, and nothing is lost.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HostileFilesTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path drop;
  static List<String> rows;

  /** The sample's first 20 products, then five more whose images (or titles) are hostile. */
  @BeforeAll
  static void makeDrop() throws Exception {
    drop = dir.resolve("drop");
    Fixtures.copyTree(Path.of("data/sample/fashion/images"), drop.resolve("images"));
    List<String> lines = Files.readAllLines(Path.of("data/sample/fashion/styles.csv"), StandardCharsets.UTF_8);
    rows = new ArrayList<>(lines.subList(0, 21));
    String template = lines.get(1).substring(lines.get(1).indexOf(','));
    String title = template.split(",")[9];
    Files.createSymbolicLink(drop.resolve("images/passwd.jpg"), Path.of("/etc/passwd"));
    Files.createSymbolicLink(drop.resolve("images/zero.jpg"), Path.of("/dev/zero"));
    new ProcessBuilder("mkfifo", drop.resolve("images/fifo.jpg").toString()).start().waitFor();
    // A real sample image, repeated past the 64 KiB limit set below (still a valid JPEG prefix).
    byte[] photo = Files.readAllBytes(drop.resolve(template.split(",")[10].strip()));
    byte[] big = new byte[70_000];
    for (int i = 0; i < big.length; i++) {
      big[i] = photo[i % photo.length];
    }
    Fixtures.write(drop.resolve("images/big.jpg"), big);
    rows.add("900001" + template.replaceFirst("images/\\d+\\.jpg", "images/passwd.jpg"));
    rows.add("900002" + template.replaceFirst("images/\\d+\\.jpg", "images/zero.jpg"));
    rows.add("900003" + template.replaceFirst("images/\\d+\\.jpg", "images/fifo.jpg"));
    rows.add("900004" + template.replaceFirst("images/\\d+\\.jpg", "images/big.jpg"));
    rows.add("900005" + template.replace(title, "Caf\u00e9 Latin-1 title"));
    StringBuilder csv = new StringBuilder();
    rows.forEach(r -> csv.append(r.strip()).append("\r\n"));
    // The whole file in Latin-1: only row 900005 has a byte that is not valid UTF-8 (0xE9).
    Fixtures.write(drop.resolve("styles.csv"), csv.toString().getBytes(StandardCharsets.ISO_8859_1));
  }

  @Test
  void eachHostileFileCostsOneRowAndTheJobFinishes() throws Exception {
    CatalogConfig config = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "ingest.max-image-bytes=65536");
    IngestResult r = new IngestStage(spark, config).execute();

    assertThat(r.rowsIn()).isEqualTo(25);
    assertThat(r.upserted()).isEqualTo(20);
    assertThat(r.quarantineReasons()).isEqualTo(Map.of("image_path_escape", 3L, "image_too_large", 1L,
        "invalid_encoding", 1L));
    Map<String, Row> quarantined = Fixtures.byKey(spark, Lake.of(config).quarantine(), "product_id");
    assertThat(quarantined.get("900001").<String>getAs("message"))
        .contains("resolves to /etc/passwd, outside the image root");
    assertThat(quarantined.get("900002").<String>getAs("message"))
        .contains("resolves to /dev/zero, outside the image root");
    assertThat(quarantined.get("900003").<String>getAs("message")).contains("not a regular file");
    assertThat(quarantined.get("900004").<String>getAs("message"))
        .contains("70,000 bytes, over the limit of 65,536 bytes").contains("ingest.max-image-bytes");
    assertThat(quarantined.get("900005").<String>getAs("message"))
        .contains("the title holds bytes that are not valid UTF-8").contains("source.csv.encoding");

    // Declared as what it is, the Latin-1 title is read as written.
    CatalogConfig latin1 = config(dir.resolve("lake-latin1"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "ingest.max-image-bytes=65536", "source.csv.encoding=ISO-8859-1");
    new IngestStage(spark, latin1).execute();
    assertThat(Fixtures.byKey(spark, Lake.of(latin1).products(), "product_id").get("900005")
        .<String>getAs("title")).isEqualTo("Caf\u00e9 Latin-1 title");

    // Between ingest and preprocess, an ingested image becomes a link to /dev/zero.
    Row victim = Fixtures.byKey(spark, Lake.of(config).products(), "product_id").values().iterator().next();
    Path image = Path.of(java.net.URI.create(victim.getAs("image_uri")));
    Files.delete(image);
    Files.createSymbolicLink(image, Path.of("/dev/zero"));
    PreprocessResult p = new PreprocessStage(spark, config, false).execute();
    assertThat(p.products()).isEqualTo(20);
    assertThat(p.imageFailures()).isEqualTo(Map.of("unreadable", 1L));
    Row features = Fixtures.byKey(spark, Lake.of(config).features(), "product_id").get(victim.<String>getAs("product_id"));
    assertThat(features.<Boolean>getAs("image_ok")).isFalse();
    assertThat(features.<String>getAs("image_message")).contains("/dev/zero, which is not a regular file");
  }
}
