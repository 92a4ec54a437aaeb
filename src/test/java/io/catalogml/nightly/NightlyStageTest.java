package io.catalogml.nightly;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.feedback.FeedbackStage;
import org.apache.spark.sql.Row;
import io.catalogml.lake.Lake;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.train.TrainFixtures;
import io.catalogml.lake.DeltaTables;
import io.catalogml.maintain.MaintainSchedule;
import io.catalogml.maintain.MaintainStage;
import io.catalogml.preprocess.PreprocessStage;
import java.time.Clock;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The nightly chain on the fashion sample with the MLlib baseline, local[2], real Delta tables and
 * the local MLflow store read back by MLflow's Python client: the first night trains a champion and
 * scores every product, the next night of the same drop writes nothing and trains nothing, and a
 * night whose model cannot be loaded stops at score with the model's exit code and the results of
 * the stages before it. Tests share one lake, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NightlyStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static NightlyResult first;
  static String firstRunId;

  @BeforeAll
  static void firstNight() {
    Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    config = TrainFixtures.config(dir, drop, "model.type=mllib-logreg");
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, config)) {
      first = new NightlyStage(spark, config, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(first);
      firstRunId = tracking.runId();
    }
  }

  static NightlyResult night(CatalogConfig c) {
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, c)) {
      NightlyResult r = new NightlyStage(spark, c, tracking.run(), tracking.registry(), false).execute();
      tracking.finished(r);
      return r;
    }
  }

  @Test
  @Order(1)
  void theFirstNightIngestsPreprocessesTrainsAChampionAndScoresEveryProduct() {
    assertThat(first.stagesRun()).containsExactly("ingest", "preprocess", "train", "score", "monitor");
    assertThat(first.trained()).isTrue();
    assertThat(first.skipped().get(MaintainStage.JOB)).isEqualTo("no table in the lake yet");
    assertThat(first.status()).as(first.stages().get("monitor").toString()).isEqualTo("ok");
    assertThat(first.exitCode()).isZero();
    assertThat(first.stages().get("monitor").path("predictions").asLong()).isEqualTo(
        first.stages().get("score").path("scored").asLong());
    assertThat(spark.read().format("delta").load(Lake.of(config).monitoring()).count()).isEqualTo(1);
    assertThat(first.stages().get("ingest").path("inserted").asLong()).isEqualTo(1000);
    assertThat(first.stages().get("preprocess").path("computed").asLong()).isEqualTo(1000);
    assertThat(first.stages().get("train").path("champion").asBoolean()).isTrue();
    ObjectNode score = first.stages().get("score");
    assertThat(score.path("modelVersion").asText()).isEqualTo(first.stages().get("train").path("modelVersion").asText());
    assertThat(score.path("scored").asLong() + score.path("quarantined").asLong()).isEqualTo(1000);
    assertThat(spark.read().format("delta").load(Lake.of(config).predictions()).count())
        .isEqualTo(score.path("scored").asLong());
  }

  @Test
  @Order(2)
  void eachStageIsItsOwnRunTaggedWithTheChain() throws Exception {
    String uri = "file://" + dir.resolve("mlruns").toAbsolutePath();
    JsonNode chain = PythonReadBack.read(uri, firstRunId, null);
    assertThat(chain.path("experiment").asText()).isEqualTo("catalog-ml/nightly");
    assertThat(chain.path("status").asText()).isEqualTo("FINISHED");
    for (String stage : first.stagesRun()) {
      String stageRun = first.stages().get(stage).path("tracking").path("runId").asText();
      assertThat(chain.path("tags").path("catalogml.stage." + stage + ".run_id").asText()).isEqualTo(stageRun);
      JsonNode back = PythonReadBack.read(uri, stageRun, null);
      assertThat(back.path("experiment").asText()).as("recorded as the %s job records it", stage)
          .isEqualTo("catalog-ml/" + stage);
      assertThat(back.path("status").asText()).isEqualTo("FINISHED");
      assertThat(back.path("tags").path("catalogml.chain.run_id").asText()).isEqualTo(firstRunId);
    }
    assertThat(chain.path("metrics").path("stages.score.scored").get(0).get(1).asLong())
        .isEqualTo(first.stages().get("score").path("scored").asLong());
  }

  @Test
  @Order(3)
  void theSameDropTheNextNightWritesNothingAndTrainsNothing() {
    NightlyResult again = night(config);
    assertThat(again.stagesRun()).containsExactly("ingest", "preprocess", "score", "monitor");
    assertThat(again.trained()).isFalse();
    assertThat(again.skipped()).containsKey("train");
    assertThat(again.skipped().get(MaintainStage.JOB)).startsWith("never maintained, and the lake's first commit was on ")
        .endsWith("0 nights ago; due in 7 nights (maintain.every-nights = 7)");
    assertThat(again.stages().get("ingest").path("unchanged").asLong()).isEqualTo(1000);
    assertThat(again.stages().get("preprocess").path("computed").asLong()).isZero();
    assertThat(again.stages().get("score").path("scored").asLong()).isZero();
    for (String version : new String[] {"productsVersion", "featuresVersion", "predictionsVersion"}) {
      JsonNode before = first.stages().get("score").path(version);
      assertThat(again.stages().get("score").path(version)).as(version).isEqualTo(before);
    }
  }

  @Test
  @Order(4)
  void aDryRunSaysWhatEachStageWouldDoAndWritesNothing() throws Exception {
    // The same drop folder with one title changed (image URIs are part of a product's record).
    Path styles = Path.of(config.source().input()).resolve("styles.csv");
    List<String> lines = new ArrayList<>(Files.readAllLines(styles, StandardCharsets.UTF_8));
    lines.set(1, lines.get(1).replaceFirst(",([^,]*),([^,]*)$", ",$1 Renamed,$2"));
    Files.write(styles, lines, StandardCharsets.UTF_8);
    CatalogConfig changed = config;
    Lake lake = Lake.of(changed);
    Map<String, Long> before = versions(lake);

    NightlyResult plan;
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, changed)) {
      plan = new NightlyStage(spark, changed, tracking.run(), tracking.registry(), true).execute();
    }
    assertThat(plan.dryRun()).isTrue();
    assertThat(plan.stagesRun()).containsExactly("ingest", "preprocess", "score", "monitor");
    JsonNode ingest = plan.stages().get("ingest");
    assertThat(ingest.path("wouldUpdate").asLong()).as(ingest.toString()).isEqualTo(1);
    assertThat(ingest.path("wouldInsert").asLong()).isZero();
    assertThat(ingest.path("unchanged").asLong()).isEqualTo(999);
    assertThat(plan.stages().get("preprocess").path("wouldCompute").asLong()).as("bronze as it is now").isZero();
    assertThat(plan.stages().get("score").path("wouldScore").asLong()).isZero();
    assertThat(plan.stages().get("score").path("modelVersion").asText()).isEqualTo("1");
    assertThat(versions(lake)).as("nothing written").isEqualTo(before);
  }

  static Map<String, Long> versions(Lake lake) {
    Map<String, Long> v = new TreeMap<>();
    for (String location : List.of(lake.products(), lake.quarantine(), lake.features(), lake.predictions(),
        lake.monitoring())) {
      v.put(location, io.delta.tables.DeltaTable.isDeltaTable(spark, location)
          ? DeltaTables.version(io.delta.tables.DeltaTable.forPath(spark, location)) : -1L);
    }
    return v;
  }

  @Test
  @Order(5)
  void aDryRunOnANewLakeCountsTheDropAndTheTrainingItWouldStart(@TempDir Path fresh) {
    CatalogConfig empty = TrainFixtures.config(fresh, Path.of(config.source().input()), "model.type=mllib-logreg");
    NightlyResult plan;
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, empty)) {
      plan = new NightlyStage(spark, empty, tracking.run(), tracking.registry(), true).execute();
    }
    assertThat(plan.stagesRun()).containsExactly("ingest", "preprocess", "train", "score", "monitor");
    assertThat(plan.stages().get("ingest").path("wouldInsert").asLong()).isEqualTo(1000);
    assertThat(plan.stages().get("train").path("reason").asText()).contains("does not exist yet");
    assertThat(fresh.resolve("lake")).as("no table created").doesNotExist();
  }

  @Test
  @Order(6)
  void aModelThatCannotBeLoadedStopsTheChainAtScoreWithTheStagesBeforeIt() {
    CatalogConfig noModel = TrainFixtures.config(dir, Path.of(config.source().input()), "model.type=mllib-logreg",
        "score.model=\"models:/product-type@nightly\"");
    assertThatThrownBy(() -> night(noModel))
        .isInstanceOfSatisfying(CatalogException.class, e -> {
          assertThat(e.code()).isEqualTo("registry.not-found");
          assertThat(e.exitCode()).isEqualTo(CatalogErrors.MODEL);
          assertThat(e.details().get("failedStage")).isEqualTo("score");
          assertThat(((Map<?, ?>) e.details().get("stages")).keySet()).map(String::valueOf).containsExactly("ingest", "preprocess");
        })
        .hasMessageStartingWith("nightly stopped at score: Cannot resolve model models:/product-type@nightly")
        .hasMessageContaining("(ingest, preprocess) completed");
  }

  @Test
  @Order(7)
  void enoughCorrectionsMakeTheNextNightTrainACandidateThatTheChampionRuleJudges() {
    Lake lake = Lake.of(config);
    List<Row> two = spark.read().format("delta").load(lake.products()).orderBy("product_id").limit(2)
        .select("product_id").collectAsList();
    Path corrections = Fixtures.write(dir.resolve("corrections.csv"), "product_id,label,reviewer\n"
        + two.get(0).getString(0) + ",Watches,ann\n" + two.get(1).getString(0) + ",Watches,ann\n");
    new FeedbackStage(spark, config, corrections.toString()).execute();
    CatalogConfig eager = TrainFixtures.config(dir, Path.of(config.source().input()), "model.type=mllib-logreg",
        "retrain.corrections=2");
    String before = spark.read().format("delta").load(lake.predictions()).select("model_version").distinct()
        .head().getString(0);

    NightlyResult r = night(eager);
    JsonNode decision = r.stages().get("monitor").path("retrain");
    assertThat(decision.path("rule").asText()).as(decision.toString()).isEqualTo("corrections");
    assertThat(r.retrained()).isTrue();
    assertThat(r.stages().get("preprocess").path("correctedLabels").asLong()).isEqualTo(2);
    ObjectNode candidate = r.stages().get(NightlyStage.RETRAIN);
    assertThat(candidate.path("modelVersion").asText()).isNotEqualTo(before);
    String served = spark.read().format("delta").load(lake.predictions()).select("model_version").distinct()
        .head().getString(0);
    if (candidate.path("champion").asBoolean()) {
      assertThat(r.stagesRun()).endsWith(NightlyStage.RETRAIN, NightlyStage.RESCORE, NightlyStage.REMONITOR);
      assertThat(served).as("rescored with the new champion").isEqualTo(candidate.path("modelVersion").asText());
    } else {
      assertThat(r.stagesRun()).endsWith("monitor", NightlyStage.RETRAIN);
      assertThat(r.skipped().get(NightlyStage.RESCORE)).contains("was not promoted");
      assertThat(served).as("the champion's predictions stand").isEqualTo(before);
    }

    NightlyResult next = night(config);
    assertThat(next.stages().get("monitor").path("retrain").path("rule").asText())
        .as("the corrections are older than the newest model, or the threshold is the default 100").isEqualTo("none");
    assertThat(next.retrained()).isFalse();
  }

  @Test
  @Order(8)
  void aWeekAfterTheFirstNightTheChainEndsWithMaintainThenWaitsAnotherWeek() {
    // A week later, without a drop; maintain kept to silver (whose folder holds the text pipelines, beside the
    // data files) and gold.predictions, with no retention at all: VACUUM removes every file the tables no longer
    // use, so anything else it could touch would go too.
    CatalogConfig upkeep = TrainFixtures.config(dir, Path.of(config.source().input()), "model.type=mllib-logreg",
        "source.input=\"\"", "maintain.retention=0s", "maintain.tables=[\"silver.features\", \"gold.predictions\"]");
    Lake lake = Lake.of(upkeep);
    Clock weekLater = Clock.offset(Clock.systemUTC(), Duration.ofDays(8));
    List<Row> predictions = spark.read().format("delta").load(lake.predictions()).orderBy("product_id").collectAsList();
    String pipeline = spark.read().format("delta").load(lake.features()).select("text_pipeline_id").head().getString(0);
    spark.conf().set("spark.databricks.delta.retentionDurationCheck.enabled", "false");
    NightlyResult r;
    try (JobTracking tracking = JobTracking.start(NightlyStage.JOB, upkeep)) {
      r = new NightlyStage(spark, upkeep, tracking.run(), tracking.registry(), false, weekLater).execute();
      tracking.finished(r);
    } finally {
      spark.conf().unset("spark.databricks.delta.retentionDurationCheck.enabled");
    }

    assertThat(r.stagesRun()).containsExactly("preprocess", "score", "monitor", MaintainStage.JOB);
    JsonNode maintain = r.stages().get(MaintainStage.JOB);
    assertThat(maintain.path("tables").path("silver.features").path("after").path("snapshotFiles").asLong())
        .isEqualTo(1);
    JsonNode after = maintain.path("tables").path("gold.predictions").path("after");
    assertThat(after.path("storedFiles").asLong()).as("no retention: only the snapshot's files stay")
        .isEqualTo(after.path("snapshotFiles").asLong()).isEqualTo(1);
    assertThat(maintain.path("skipped").path("bronze.products").asText()).isEqualTo("not in maintain.tables");
    assertThat(spark.read().format("delta").load(lake.predictions()).orderBy("product_id").collectAsList())
        .as("readers see the same rows").isEqualTo(predictions);
    assertThat(PreprocessStage.storedPipeline(spark, lake.features(), pipeline).id()).as("VACUUM left it alone")
        .isEqualTo(pipeline);

    MaintainSchedule.Decision nextNight = MaintainSchedule.decide(spark, upkeep,
        Clock.offset(Clock.systemUTC(), Duration.ofDays(9)));
    assertThat(nextNight.due()).isFalse();
    assertThat(nextNight.reason()).contains("1 night ago; due in 6 nights");
    assertThat(MaintainSchedule.decide(spark, upkeep, Clock.offset(Clock.systemUTC(), Duration.ofDays(15))).due())
        .isTrue();
  }
}
