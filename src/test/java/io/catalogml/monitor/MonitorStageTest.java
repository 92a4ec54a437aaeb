package io.catalogml.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.score.ScoreStage;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.train.TrainFixtures;
import io.catalogml.train.TrainResult;
import io.catalogml.train.TrainStage;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The monitor on the fashion sample with the MLlib baseline (local[2], real Delta tables, the local
 * MLflow store read back by MLflow's Python client). The champion is trained and the catalogue
 * scored once; each shifted night then runs on its own copy of that lake: a night of the same
 * catalogue shows no drift, and a night whose catalogue is shifted (one class ten times more
 * frequent, titles in another language, images missing) breaches the metric that shift moves,
 * and only that one.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorStageTest extends SparkTestBase {
  static final String NIGHT = "2026-11-01";
  @TempDir
  static Path dir;
  static Path drop;
  static String modelFolder;
  static String historyRunId;

  @BeforeAll
  static void championScored() {
    CatalogConfig config = TrainFixtures.preprocessedSample(spark, dir.resolve("base"), "model.type=mllib-logreg");
    drop = Path.of(config.source().input());
    try (JobTracking tracking = JobTracking.start("train", config)) {
      TrainResult trained = new TrainStage(spark, config, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(trained);
      modelFolder = trained.modelPath();
    }
    score(config);
  }

  static void score(CatalogConfig config) {
    try (JobTracking tracking = JobTracking.start("score", config)) {
      tracking.finished(new ScoreStage(spark, config, tracking.run(), tracking.registry(), modelFolder, false)
          .execute());
    }
  }

  record Monitored(MonitorResult result, String trackingRunId) {}

  static Monitored monitor(CatalogConfig config, String night) {
    CatalogConfig c = TrainFixtures.config(Path.of(config.lake().root()).getParent(),
        Path.of(config.source().input()), "model.type=mllib-logreg", "monitor.night=" + night);
    try (JobTracking tracking = JobTracking.start(MonitorStage.JOB, c)) {
      MonitorResult r = new MonitorStage(spark, c, tracking.run(), tracking.registry(), modelFolder).execute();
      tracking.finished(r);
      return new Monitored(r, tracking.runId());
    }
  }

  /**
   * A copy of the scored lake under {@code name} whose next drop is the sample's {@code styles.csv}
   * with each product line passed through {@code edit} (null drops the line), ingested, preprocessed
   * and scored.
   */
  static CatalogConfig night(String name, UnaryOperator<List<String>> edit, String... overrides) throws Exception {
    Path root = dir.resolve(name);
    Fixtures.copyTree(dir.resolve("base/lake"), root.resolve("lake"));
    Path nightDrop = Fixtures.copyTree(drop, root.resolve("drop"));
    Path styles = nightDrop.resolve("styles.csv");
    List<String> lines = Files.readAllLines(styles, StandardCharsets.UTF_8);
    List<String> out = new ArrayList<>(List.of(lines.get(0)));
    out.addAll(edit.apply(lines.subList(1, lines.size())));
    Files.write(styles, out, StandardCharsets.UTF_8);
    List<String> all = new ArrayList<>(List.of("model.type=mllib-logreg"));
    all.addAll(List.of(overrides));
    CatalogConfig config = TrainFixtures.config(root, nightDrop, all.toArray(String[]::new));
    new IngestStage(spark, config).execute();
    new PreprocessStage(spark, config, false).execute();
    score(config);
    return config;
  }

  static CatalogConfig base() {
    return TrainFixtures.config(dir.resolve("base"), drop, "model.type=mllib-logreg");
  }

  @Test
  @Order(1)
  void anUnchangedNightShowsNoDriftAndWritesItsRowsReportAndRun() throws Exception {
    Monitored m = monitor(base(), NIGHT);
    MonitorResult r = m.result();
    assertThat(r.status()).as(r.checks().toString()).isEqualTo(MonitorResult.OK);
    assertThat(r.breaches()).isEmpty();
    assertThat(r.exitCode()).isZero();
    assertThat(r.predictions()).isEqualTo(1000);
    assertThat(r.checks()).extracting(Check::metric).containsExactlyElementsOf(MonitorTables.METRICS);
    assertThat(r.checks()).allSatisfy(c -> assertThat(c.value()).as(c.metric()).isNotNull());
    assertThat(r.checks()).filteredOn(c -> c.reference() != null)
        .allSatisfy(c -> assertThat(c.value()).as(c.metric()).isCloseTo(c.reference(),
            org.assertj.core.data.Offset.offset(1e-9)));

    Lake lake = Lake.of(base());
    List<Row> rows = spark.read().format("delta").load(lake.monitoring()).collectAsList();
    assertThat(rows).hasSize(1);
    Row row = rows.get(0);
    assertThat(row.getAs("night").toString()).isEqualTo(NIGHT);
    assertThat((String) row.getAs("status")).isEqualTo("ok");
    assertThat((Long) row.getAs("predictions")).isEqualTo(1000L);
    assertThat((Double) row.getAs(MonitorStage.JS_DISTANCE)).isEqualTo(r.checks().get(0).value());
    assertThat((Long) row.getAs("predictions_version")).isEqualTo(r.predictionsVersion());
    List<Row> classes = spark.read().format("delta").load(lake.monitoringClasses()).collectAsList();
    assertThat(classes.stream().mapToLong(c -> c.<Long>getAs("predicted")).sum()).isEqualTo(1000);
    assertThat(classes.stream().mapToDouble(c -> c.<Double>getAs("reference_share")).sum())
        .isCloseTo(1.0, org.assertj.core.data.Offset.offset(1e-9));

    Path report = Path.of(java.net.URI.create(r.report()));
    assertThat(report).isEqualTo(Path.of(lake.monitorReports().replaceFirst("^file:", "")).resolve(NIGHT));
    BufferedImage png = ImageIO.read(report.resolve(MonitorReport.PICTURE).toFile());
    assertThat(png.getWidth()).isEqualTo(1400);
    String md = Files.readString(report.resolve(MonitorReport.MARKDOWN));
    // The catalogue the model was trained on, scored by the same model: its class mix has not moved at all.
    assertThat(md).startsWith("# Monitor " + NIGHT + ": ok").contains("| class_mix_js_distance | 0.0000 |",
        "## Classes that moved most");

    JsonNode run = PythonReadBack.read("file://" + dir.resolve("base/mlruns").toAbsolutePath(), m.trackingRunId(),
        null);
    assertThat(run.path("experiment").asText()).isEqualTo("catalog-ml/monitor");
    assertThat(run.path("tags").path("catalogml.monitor.status").asText()).isEqualTo("ok");
    JsonNode js = run.path("metrics").path("monitor_" + MonitorStage.JS_DISTANCE);
    assertThat(js.get(0).get(0).asLong()).as("the night is the step").isEqualTo(LocalDate.parse(NIGHT).toEpochDay());
    assertThat(run.path("artifacts").toString()).contains(MonitorReport.PICTURE, MonitorReport.MARKDOWN);
    historyRunId = run.path("tags").path("catalogml.monitor.history_run_id").asText();
    assertThat(historyRunId).isNotBlank().isNotEqualTo(m.trackingRunId());

    List<Row> review = spark.read().format("delta").load(lake.review()).orderBy("rank").collectAsList();
    assertThat(review).hasSize((int) r.reviewRows()).isNotEmpty();
    assertThat(review.get(0).getAs("rank").equals(1)).isTrue();
    assertThat(review).allSatisfy(entry -> {
      assertThat(entry.<String>getAs("image_uri")).isNotNull();
      String reason = entry.getAs("reason");
      if (reason.equals("disagrees")) {
        assertThat(entry.<String>getAs("predicted_label")).isNotEqualTo(entry.getAs("label"));
      } else {
        assertThat(entry.<String>getAs("predicted_label")).isEqualTo(entry.getAs("label"));
      }
    });
    assertThat(review.get(0).<String>getAs("reason")).as("disagreements first").isEqualTo("disagrees");
  }

  @Test
  @Order(2)
  void aRerunOfTheNightReplacesItsRowsAndLeavesCorrectedProductsOutOfTheReviewList() throws Exception {
    CatalogConfig config = base();
    Lake lake = Lake.of(config);
    String first = spark.read().format("delta").load(lake.review()).where("rank = 1").head().getAs("product_id");
    Path corrections = Fixtures.write(dir.resolve("corrections.csv"), "product_id,label\n" + first + ",Tshirts\n");
    new io.catalogml.feedback.FeedbackStage(spark, config, corrections.toString()).execute();
    monitor(config, NIGHT);
    assertThat(spark.read().format("delta").load(lake.review()).where("product_id = '" + first + "'").count())
        .as("a corrected product has had its look").isZero();
    MonitorResult next = monitor(config, "2026-11-02").result();
    assertThat(spark.read().format("delta").load(lake.monitoring()).count()).isEqualTo(2);
    long classesPerNight = spark.read().format("delta").load(lake.monitoringClasses())
        .where("night = DATE'" + NIGHT + "'").count();
    assertThat(spark.read().format("delta").load(lake.monitoringClasses()).count()).isEqualTo(2 * classesPerNight);
    String md = Files.readString(Path.of(java.net.URI.create(next.report())).resolve(MonitorReport.MARKDOWN));
    assertThat(md).contains("| " + NIGHT + " | ok |", "| 2026-11-02 | ok |");

    // Three monitor runs of two nights: the model's history run has one point per night and metric.
    JsonNode history = PythonReadBack.read("file://" + dir.resolve("base/mlruns").toAbsolutePath(), historyRunId,
        null);
    assertThat(history.path("experiment").asText()).isEqualTo(MonitorHistory.EXPERIMENT);
    assertThat(history.path("experiment_runs")).hasSize(1);
    assertThat(history.path("status").asText()).isEqualTo("FINISHED");
    for (String metric : MonitorTables.METRICS) {
      JsonNode points = history.path("metrics").path("monitor_" + metric);
      assertThat(points).as(metric).hasSize(2);
      assertThat(points.get(0).get(0).asLong()).isEqualTo(LocalDate.parse(NIGHT).toEpochDay());
      assertThat(points.get(1).get(0).asLong()).isEqualTo(LocalDate.parse("2026-11-02").toEpochDay());
    }
  }

  @Test
  @Order(3)
  void oneClassTenTimesMoreFrequentBreachesTheClassMixOnly() throws Exception {
    CatalogConfig config = night("more-watches", products -> {
      List<String> out = new ArrayList<>(products);
      for (String p : products) {
        if (p.split(",")[4].equals("Watches")) {
          for (int k = 1; k < 10; k++) {
            out.add(k + "00000" + p);
          }
        }
      }
      return out;
    });
    MonitorResult r = monitor(config, NIGHT).result();
    assertThat(r.breaches()).as(r.checks().toString())
        .containsExactlyInAnyOrder(MonitorStage.JS_DISTANCE, MonitorStage.PSI);
    assertThat(r.status()).isEqualTo(MonitorResult.DRIFT);
    assertThat(r.exitCode()).isEqualTo(io.catalogml.core.CatalogErrors.DRIFT);
  }

  static final Map<String, String> GERMAN = Map.ofEntries(Map.entry("Men", "Herren"), Map.entry("Women", "Damen"),
      Map.entry("Boys", "Jungen"), Map.entry("Girls", "Maedchen"), Map.entry("Black", "Schwarz"),
      Map.entry("White", "Weiss"), Map.entry("Blue", "Blau"), Map.entry("Navy", "Marine"), Map.entry("Red", "Rot"),
      Map.entry("Green", "Gruen"), Map.entry("Grey", "Grau"), Map.entry("Brown", "Braun"), Map.entry("Pink", "Rosa"),
      Map.entry("Yellow", "Gelb"), Map.entry("Purple", "Lila"), Map.entry("Silver", "Silber"),
      Map.entry("Printed", "Bedrucktes"), Map.entry("Striped", "Gestreiftes"), Map.entry("Check", "Kariert"),
      Map.entry("Casual", "Freizeit"), Map.entry("Leather", "Leder"), Map.entry("Cotton", "Baumwolle"),
      Map.entry("Dial", "Zifferblatt"), Map.entry("Analog", "Analoge"), Map.entry("Pack", "Packung"),
      Map.entry("of", "von"), Map.entry("with", "mit"), Map.entry("and", "und"), Map.entry("Kids", "Kinder"),
      Map.entry("Solid", "Einfarbig"), Map.entry("Polo", "Polohemd"));

  @Test
  @Order(4)
  void titlesInAnotherLanguageBreachTheUnknownWordShareOnly() throws Exception {
    // Product-type words stay (Tshirts, Watch, Jeans...), as they do in many European catalogues.
    CatalogConfig config = night("german", products -> products.stream().map(p -> {
      String[] head = p.split(",", 10);
      String rest = head[9];
      int image = rest.lastIndexOf(',');
      StringBuilder title = new StringBuilder();
      for (String w : rest.substring(0, image).split(" ")) {
        title.append(title.length() == 0 ? "" : " ").append(GERMAN.getOrDefault(w, w));
      }
      return String.join(",", java.util.Arrays.copyOf(head, 9)) + "," + title + rest.substring(image);
    }).toList());
    MonitorResult r = monitor(config, NIGHT).result();
    assertThat(r.breaches()).as(r.checks().toString()).containsExactly(MonitorStage.UNKNOWN_WORD_SHARE);
  }

  @Test
  @Order(5)
  void missingImagesBreachTheImageFailureShareOnly() throws Exception {
    CatalogConfig config = night("no-images", products -> {
      for (String p : products) {
        String id = p.substring(0, p.indexOf(','));
        if (Math.floorMod(id.hashCode(), 10) < 3) {
          try {
            Files.delete(dir.resolve("no-images/drop/images/" + id + ".jpg"));
          } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        }
      }
      return products;
    }, "ingest.missing-image=keep");
    MonitorResult r = monitor(config, NIGHT).result();
    assertThat(r.breaches()).as(r.checks().toString()).containsExactly(MonitorStage.IMAGE_FAILURE_SHARE);
  }

  @Test
  @Order(6)
  void aModelPackagedBeforeMonitoringGivesNoReferenceAndWritesNothing() {
    CatalogConfig config = base();
    try (JobTracking tracking = JobTracking.start(MonitorStage.JOB, config)) {
      MonitorResult r = new MonitorStage(spark, config, tracking.run(), tracking.registry(),
          "src/test/resources/models/fusion-sample").execute();
      tracking.finished(r);
      assertThat(r.status()).isEqualTo(MonitorResult.NO_REFERENCE);
      assertThat(r.message()).contains("train it again");
      assertThat(r.exitCode()).isZero();
    }
    assertThat(spark.read().format("delta").load(Lake.of(config).monitoring()).count()).as("rows of tests 1-2")
        .isEqualTo(2);
  }
}
