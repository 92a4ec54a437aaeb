package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Json;
import io.catalogml.feedback.Corrections;
import io.catalogml.feedback.FeedbackStage;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.MlflowServer;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.train.EvaluateResult;
import io.catalogml.train.EvaluateStage;
import io.catalogml.train.TrainFixtures;
import io.catalogml.train.TrainResult;
import io.catalogml.train.TrainStage;
import io.delta.tables.DeltaTable;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The score job's stage on the preprocessed fashion sample with the MLlib baseline as champion of
 * the local registry, local[2], real Delta tables: the table and its columns, a correction's label
 * without rescoring, the same-night rerun, incremental changes and removals, a refitted silver,
 * another model version, the errors, what the run records, and the table read back by delta-rs and
 * pyspark. Tests share one lake, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ScoreStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static TrainResult champion;
  static ScoreResult first;
  static Lake lake;

  @BeforeAll
  static void trainTheBaseline() {
    config = TrainFixtures.preprocessedSample(spark, dir, "model.type=mllib-logreg");
    lake = Lake.of(config);
    champion = train(config);
  }

  static TrainResult train(CatalogConfig c) {
    try (JobTracking tracking = JobTracking.start("train", c)) {
      TrainResult r = new TrainStage(spark, c, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(r);
      return r;
    }
  }

  static Dataset<Row> predictions() {
    return spark.read().format("delta").load(lake.predictions());
  }

  static long version(String location) {
    return DeltaTable.forPath(spark, location).history(1).head().getLong(0);
  }

  /** Every row as text, sorted: equal lists mean equal tables. */
  static List<String> contents(Dataset<Row> table) {
    return table.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  @Test
  @Order(1)
  void theChampionScoresEveryProductIntoOneRowEach() throws Exception {
    first = ScoreFixtures.score(spark, config, null, false);
    assertThat(first.model()).isEqualTo("models:/product-type@champion");
    assertThat(first.modelVersion()).isEqualTo("1");
    assertThat(first.modelAlias()).isEqualTo("champion");
    assertThat(first.modelType()).isEqualTo("mllib-logreg");
    assertThat(first.products()).isEqualTo(1000);
    assertThat(first.scored() + first.quarantined()).isEqualTo(1000);
    assertThat(first.fromSilver()).isEqualTo(first.scored());
    assertThat(first.unchanged()).isZero();

    List<Row> rows = predictions().collectAsList();
    assertThat(rows).hasSize((int) first.scored());
    assertThat(rows.stream().map(r -> r.<String>getAs("product_id")).distinct()).hasSize(rows.size());
    for (Row r : rows) {
      List<String> top = r.getList(r.fieldIndex("top_labels"));
      List<Double> p = r.getList(r.fieldIndex("top_probabilities"));
      assertThat(top).hasSize(3).first().isEqualTo(r.getAs("predicted_label"));
      assertThat(p.get(0)).isEqualTo(r.<Double>getAs("probability")).isGreaterThanOrEqualTo(p.get(1));
      assertThat(p.get(1)).isGreaterThanOrEqualTo(p.get(2));
      assertThat(r.<Boolean>getAs("label_agrees")).isEqualTo(r.getAs("label").equals(r.getAs("predicted_label")));
      assertThat(r.<String>getAs("label_source")).isEqualTo(Corrections.CATALOGUE);
      assertThat(r.<String>getAs("model_version")).isEqualTo("1");
      assertThat(r.<String>getAs("model_run_id")).isEqualTo(champion.trackingRunId());
      assertThat(r.<String>getAs("score_run_id")).isEqualTo(first.runId());
      assertThat(r.<Boolean>getAs("image_used")).isFalse();
      assertThat(r.<Long>getAs("features_version")).isEqualTo(first.featuresVersion());
    }
    assertThat(first.labelAgreement()).isEqualTo(
        rows.stream().filter(r -> r.<Boolean>getAs("label_agrees")).count() / (double) rows.size(), within(1e-9));
    Row detail = DeltaTable.forPath(spark, lake.predictions()).detail().head();
    assertThat(detail.<String, String>getJavaMap(detail.fieldIndex("properties")))
        .containsEntry("delta.enableChangeDataFeed", "true");

    JsonNode run = PythonReadBack.read(new File(config.tracking().localDir()).toURI().toString(),
        ScoreFixtures.lastRunId, null);
    JsonNode tags = run.get("tags");
    assertThat(tags.get("catalogml.model.version").asText()).isEqualTo("1");
    assertThat(tags.get("catalogml.model.alias").asText()).isEqualTo("champion");
    assertThat(tags.get("catalogml.input.bronze.products.version").asText()).isEqualTo(
        Long.toString(first.productsVersion()));
    assertThat(tags.get("catalogml.output.gold.predictions.version").asText()).isEqualTo(
        Long.toString(first.predictionsVersion()));
    JsonNode metrics = run.get("metrics");
    assertThat(metrics.get("scored").get(0).get(1).asDouble()).isEqualTo(first.scored());
    assertThat(metrics.get("meanProbability").get(0).get(1).asDouble()).isBetween(0.0, 1.0);
    assertThat(metrics.get("lowConfidenceShare").get(0).get(1).asDouble()).isEqualTo(first.lowConfidenceShare());
    double shares = 0;
    for (var it = metrics.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.startsWith(ScoreStage.CLASS_SHARE)) {
        shares += metrics.get(k).get(0).get(1).asDouble();
      }
    }
    assertThat(shares).as("the class mix covers the table").isCloseTo(1.0, within(1e-6));
  }

  @Test
  @Order(2)
  void aCorrectionGivesItsPredictionTheCorrectedLabelWithoutScoringItAgain() {
    Map<String, Row> before = Fixtures.byKey(spark, lake.predictions(), "product_id");
    Row agreeing = before.values().stream().filter(r -> r.<Boolean>getAs("label_agrees")).findFirst().orElseThrow();
    String id = agreeing.getAs("product_id");
    String corrected = agreeing.getAs("predicted_label").equals("Watches") ? "Belts" : "Watches";
    Path file = Fixtures.write(dir.resolve("corrections.csv"), "product_id,label\n" + id + "," + corrected + "\n");
    new FeedbackStage(spark, config, file.toString()).execute();
    long version = version(lake.predictions());

    ScoreResult r = ScoreFixtures.score(spark, config, null, false);
    assertThat(r.scored()).isZero();
    assertThat(r.relabelled()).isEqualTo(1);
    assertThat(r.predictionsVersion()).isEqualTo(version + 1);
    Map<String, Row> after = Fixtures.byKey(spark, lake.predictions(), "product_id");
    Row row = after.get(id);
    assertThat(row.<String>getAs("label")).isEqualTo(corrected);
    assertThat(row.<String>getAs("label_source")).isEqualTo(Corrections.FEEDBACK);
    assertThat(row.<Boolean>getAs("label_agrees")).as("the model agreed with the catalogue, not the correction")
        .isFalse();
    for (String kept : List.of("predicted_label", "probability", "score_run_id", "scored_at", "content_hash")) {
      assertThat((Object) row.getAs(kept)).as(kept).isEqualTo(agreeing.getAs(kept));
    }
    after.remove(id);
    before.remove(id);
    assertThat(after).as("every other prediction as it was").isEqualTo(before);
    assertThat(PredictionChanges.lastWrite(spark, lake.predictions()).count())
        .as("a new label is not a new prediction").isZero();
  }

  @Test
  @Order(3)
  void theSameNightRerunWritesNoVersionAndLeavesTheTableIdentical() {
    // With the correction of the test before in gold.feedback: its label is not written again.
    List<String> before = contents(predictions());
    long version = version(lake.predictions());
    ScoreResult again = ScoreFixtures.score(spark, config, null, false);
    assertThat(again.scored()).isZero();
    assertThat(again.unchanged()).isEqualTo(1000);
    assertThat(again.predictionsVersion()).isEqualTo(version);
    assertThat(version(lake.predictions())).isEqualTo(version);
    assertThat(contents(predictions())).isEqualTo(before);
  }

  @Test
  @Order(4)
  void onlyChangedAndNewProductsAreScoredAndRemovedOnesLeave() throws Exception {
    Path styles = dir.resolve("drop/styles.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(styles));
    List<String> changed = new ArrayList<>();
    for (int i = 1; i <= 3; i++) {
      String[] f = lines.get(i).split(",", -1);
      f[9] = f[9] + " Limited Edition";
      lines.set(i, String.join(",", f));
      changed.add(f[0]);
    }
    // A new product whose title words are all outside the vocabulary: its subword ids still carry them.
    String[] added = lines.stream().skip(1).map(l -> l.split(",", -1)).filter(f -> f[4].equals("Tshirts"))
        .findFirst().orElseThrow();
    String addedId = "990001";
    added[0] = addedId;
    added[9] = "Tshirtz Stripd";
    lines.add(String.join(",", added));
    Files.write(styles, lines);
    new IngestStage(spark, config).execute();
    List<String> removed = List.of(lines.get(20).split(",")[0], lines.get(21).split(",")[0]);
    DeltaTable.forPath(spark, lake.products()).delete("product_id IN ('" + String.join("','", removed) + "')");
    long before = version(lake.predictions());

    ScoreResult r = ScoreFixtures.score(spark, config, null, false);
    assertThat(r.products()).isEqualTo(999);
    assertThat(r.scored()).isEqualTo(4);
    assertThat(r.featurisedFromBronze()).as("silver is stale for them: not preprocessed since").isEqualTo(4);
    assertThat(r.removed()).isEqualTo(2);
    assertThat(r.unchanged()).isEqualTo(995);
    assertThat(r.predictionsVersion()).isEqualTo(before + 1);
    Map<String, Row> now = Fixtures.byKey(spark, lake.predictions(), "product_id");
    assertThat(now).hasSize(999).containsKey(addedId).doesNotContainKeys(removed.toArray(String[]::new));
    assertThat(now.get(addedId).<String>getAs("predicted_label")).isEqualTo("Tshirts");
    for (String id : changed) {
      assertThat(now.get(id).<String>getAs("score_run_id")).isEqualTo(r.runId());
    }
    assertThat(spark.read().format("delta").option("versionAsOf", before).load(lake.predictions())
        .where("product_id IN ('" + String.join("','", removed) + "')").count()).as("time travel").isEqualTo(2);
    List<Row> feed = spark.read().format("delta").option("readChangeFeed", "true")
        .option("startingVersion", before + 1).load(lake.predictions())
        .where("_change_type = 'delete'").collectAsList();
    assertThat(feed.stream().map(x -> x.<String>getAs("product_id")).sorted().toList())
        .isEqualTo(removed.stream().sorted().toList());
  }

  @Test
  @Order(5)
  void aRefittedSilverIsNotUsedAndTheModelStillSeesItsOwnFeatures() {
    Map<String, Double> before = probabilities();
    CatalogConfig refit = TrainFixtures.config(dir, dir.resolve("drop"), "model.type=mllib-logreg",
        "preprocess.text.min-count=1");
    new PreprocessStage(spark, refit, true).execute();
    ScoreResult r = ScoreFixtures.score(spark, refit, null, true);
    assertThat(r.scored()).isEqualTo(999);
    assertThat(r.fromSilver()).isZero();
    assertThat(r.featurisedFromBronze()).isEqualTo(999);
    Map<String, Double> after = probabilities();
    assertThat(after.keySet()).isEqualTo(before.keySet());
    before.forEach((id, p) -> assertThat(after.get(id)).as(id).isCloseTo(p, within(1e-9)));
  }

  private static Map<String, Double> probabilities() {
    Map<String, Double> m = new TreeMap<>();
    predictions().select("product_id", "probability").collectAsList().forEach(r -> m.put(r.getString(0), r.getDouble(1)));
    return m;
  }

  @Test
  @Order(6)
  void anotherModelVersionRescoresEveryProduct() {
    CatalogConfig c = TrainFixtures.config(dir, dir.resolve("drop"), "model.type=mllib-logreg",
        "preprocess.text.min-count=1", "train.logreg.regularization=0.01");
    TrainResult second = train(c);
    assertThat(second.modelVersion()).isEqualTo("2");
    ScoreResult r = ScoreFixtures.score(spark, c, "models:/product-type/2", false);
    assertThat(r.scored() + r.quarantined()).isEqualTo(999);
    assertThat(r.fromSilver()).as("silver now holds the pipeline v2 was trained on").isEqualTo(r.scored());
    assertThat(predictions().where("model_version = '2'").count()).isEqualTo(r.scored());
    assertThat(predictions().where("model_alias IS NULL").count()).isEqualTo(r.scored());
  }

  @Test
  @Order(7)
  void aMissingAliasOrBronzeFailsBeforeAnyWorkWithWhatToDo(@TempDir Path empty) {
    assertThatThrownBy(() -> ScoreFixtures.score(spark, config, "models:/product-type@nightly", false))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("has no alias 'nightly'")
        .satisfies(e -> assertThat(((CatalogException) e).exitCode()).isEqualTo(CatalogErrors.MODEL))
        .extracting(e -> ((CatalogException) e).code()).isEqualTo("registry.not-found");
    CatalogConfig noLake = TrainFixtures.config(empty, empty.resolve("drop"), "tracking.local-dir="
        + config.tracking().localDir());
    assertThatThrownBy(() -> ScoreFixtures.score(spark, noLake, null, false))
        .hasMessageContaining("Run the ingest job first")
        .extracting(e -> ((CatalogException) e).code()).isEqualTo("table.missing");
  }

  @Test
  @Order(8)
  void evaluateWorksOnANewlyLabelledCatalogueWithoutATrainingSplit(@TempDir Path other) throws Exception {
    Path drop = other.resolve("drop");
    Fixtures.copyTree(Path.of("data/sample/fashion"), drop);
    List<String> lines = Files.readAllLines(drop.resolve("styles.csv"));
    Files.write(drop.resolve("styles.csv"), lines.subList(0, 41));
    CatalogConfig c = TrainFixtures.config(other, drop, "tracking.local-dir=" + config.tracking().localDir());
    new IngestStage(spark, c).execute();
    try (JobTracking tracking = JobTracking.start("evaluate", c)) {
      EvaluateResult r = new EvaluateStage(spark, c, tracking.run(), tracking.registry(),
          "models:/product-type@champion", "all", other.resolve("eval")).execute();
      tracking.finished(r);
      assertThat(r.examples()).isEqualTo(40);
      assertThat(r.featuresVersion()).isNull();
      assertThat(r.accuracy()).isGreaterThan(0.3);
    }
  }

  @Test
  @Order(9)
  void deltaRsAndPysparkReadThePredictionsTableAsSparkDoes() throws Exception {
    String jars = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
        .filter(j -> j.contains("delta-spark_2.12") || j.contains("delta-storage"))
        .collect(Collectors.joining(","));
    assertThat(jars).contains("delta-spark").contains("delta-storage");
    Path out = Files.createTempFile(dir, "read", ".json");
    Process p = new ProcessBuilder(MlflowServer.PYTHON.toString(),
        Path.of("src/test/resources/score/read_table.py").toString(), lake.predictions(), "product_id", jars)
        .redirectOutput(out.toFile()).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    assertThat(p.waitFor(4, TimeUnit.MINUTES)).isTrue();
    assertThat(p.exitValue()).isZero();
    String text = Files.readString(out).strip();
    JsonNode read = Json.mapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
    long rows = predictions().count();
    List<String> columns = Arrays.asList(predictions().columns());
    for (String reader : List.of("deltalake", "pyspark")) {
      JsonNode r = read.get(reader);
      assertThat(r.get("rows").asLong()).as(reader).isEqualTo(rows);
      assertThat(r.get("distinct").asLong()).as(reader).isEqualTo(rows);
      List<String> seen = new ArrayList<>();
      r.get("columns").forEach(n -> seen.add(n.asText()));
      assertThat(seen).as(reader).isEqualTo(columns);
    }
    assertThat(read.get("deltalake").get("version").asLong()).isEqualTo(version(lake.predictions()));
    assertThat(read.get("deltalake").get("digest").asText()).isEqualTo(read.get("pyspark").get("digest").asText());
    assertThat(read.get("deltalake").get("configuration").get("delta.enableChangeDataFeed").asText())
        .isEqualTo("true");
  }
}
