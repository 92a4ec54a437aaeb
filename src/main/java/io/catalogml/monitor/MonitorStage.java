package io.catalogml.monitor;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.CatalogConfig.MonitorSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.core.WorkDirs;
import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.model.ModelLoader;
import io.catalogml.model.ModelLoader.LoadedModel;
import io.catalogml.preprocess.text.TextPipeline;
import io.catalogml.score.ScoreStage;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.RunTags;
import io.catalogml.tracking.TrackedRun;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import org.apache.hadoop.fs.FileSystem;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code gold.predictions} (and the inputs behind them) → one row of {@code gold.monitoring}, one
 * row per class in {@code gold.monitoring_classes}, and a report, for one night.
 *
 * <ol>
 *   <li>Load the model the predictions come from (as score resolves it) and its
 *       {@link MonitorReference}; a package without one gives status {@value MonitorResult#NO_REFERENCE}.</li>
 *   <li>Measure the night: the predicted class mix, confidence, label agreement and the share
 *       scored without the image from the predictions; the titles (read by the model's own text
 *       pipeline) and images of {@code bronze.products} ({@link InputProfile}), as the reference was measured.</li>
 *   <li>Compare each with the reference ({@link Check}, thresholds {@code monitor.*}); any breach
 *       makes the status {@value MonitorResult#DRIFT} (exit code 10).</li>
 *   <li>MERGE the night's rows (a rerun of the same night replaces them), write the report under
 *       {@code <lake>/reports/monitor/<night>/} and into the run, log the metrics with the night
 *       (days since 1970-01-01) as step, tag the run with the status; the same metrics go into the
 *       model's one history run ({@link MonitorHistory}), which the MLflow UI draws as one line.</li>
 * </ol>
 */
public final class MonitorStage implements Stage<MonitorResult> {
  private static final Logger LOG = LoggerFactory.getLogger(MonitorStage.class);
  /** Name of the job. */
  public static final String JOB = "monitor";
  public static final String JS_DISTANCE = "class_mix_js_distance";
  public static final String PSI = "class_mix_psi";
  public static final String MEAN_PROBABILITY = "mean_probability";
  public static final String LOW_CONFIDENCE_SHARE = "low_confidence_share";
  public static final String UNKNOWN_WORD_SHARE = "unknown_word_share";
  public static final String MEAN_TITLE_WORDS = "mean_title_words";
  public static final String IMAGE_FAILURE_SHARE = "image_failure_share";
  public static final String TEXT_PATH_SHARE = "text_path_share";
  public static final String LABEL_AGREEMENT = "label_agreement";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final TrackedRun run;
  private final ModelRegistry registry;
  private final String model;
  private final Lake lake;

  /** @param model the model whose predictions are monitored; null = as score resolves it */
  public MonitorStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry, String model) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.registry = registry;
    this.model = ScoreStage.modelReference(config, model);
    this.lake = Lake.of(config);
  }

  /** The night this run is for: {@code monitor.night}, or today in UTC. */
  public static LocalDate night(MonitorSettings settings) {
    if (settings.night().isEmpty()) {
      return LocalDate.now(ZoneOffset.UTC);
    }
    try {
      return LocalDate.parse(settings.night());
    } catch (java.time.format.DateTimeParseException e) {
      throw CatalogErrors.badNight(settings.night(), e.getMessage());
    }
  }

  @Override
  public MonitorResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    LocalDate night = night(config.monitor());
    Path work = WorkDirs.create("monitor");
    try {
      LoadedModel loaded = ModelLoader.load(model, registry, work);
      if (!DeltaTable.isDeltaTable(spark, lake.predictions())) {
        throw CatalogErrors.tableMissing(lake.names().predictions(), lake.predictions(), "score");
      }
      MonitorReference reference = MonitorReference.read(loaded.pkg().folder()).orElse(null);
      if (reference == null) {
        String message = "the model " + model + " was packaged before catalog-ml wrote a monitoring reference ("
            + MonitorReference.FILE + "), so there is nothing to compare the night with; train it again "
            + "(jobs/catalog-ml train) and the next night is monitored";
        LOG.warn("monitor {}: {}", runId, message);
        run.setTags(Map.of("catalogml.monitor.status", MonitorResult.NO_REFERENCE));
        return new MonitorResult(JOB, runId, night.toString(), MonitorResult.NO_REFERENCE, List.of(), List.of(),
            model, loaded.name(), loaded.version(), loaded.runId(), 0, 0, 0, null, null, null, null, 0, null, null,
            null, message, seconds(started));
      }
      Night n = measure(loaded, reference);
      List<Check> checks = checks(n, reference);
      List<String> breaches = checks.stream().filter(Check::breached).map(Check::metric).toList();
      String status = breaches.isEmpty() ? MonitorResult.OK : MonitorResult.DRIFT;
      Timestamp now = new Timestamp(System.currentTimeMillis());
      long monitoringVersion = DeltaConflicts.retry(lake.names().monitoring(), config.lake().conflictRetries(),
          () -> write(night, status, breaches, checks, n, reference, loaded, runId, now));
      Review review = review(night, loaded, n.predictionsVersion, runId);
      RetrainPolicy.Decision retrain = RetrainPolicy.decide(modelNights(loaded, night), corrections(loaded),
          config.retrain());
      Path local = work.resolve("report");
      MonitorReport.write(local, night, status, checks, n.classes, reference, n.confidenceHistogram,
          history(night), loaded.name() + (loaded.version() == null ? "" : " v" + loaded.version()));
      String report = publish(local, night);
      track(night, status, breaches, checks, n, loaded, monitoringVersion, local);
      run.setTags(Map.of("catalogml.retrain.rule", retrain.rule(), "catalogml.retrain.reason", retrain.reason()));
      LOG.info("monitor {}: night {} {}{}", runId, night, status, breaches.isEmpty() ? "" : " " + breaches);
      return new MonitorResult(JOB, runId, night.toString(), status, breaches, checks, model, loaded.name(),
          loaded.version(), loaded.runId(), n.products, n.predictions, n.labelled, n.productsVersion,
          n.featuresVersion, n.predictionsVersion, monitoringVersion, review.rows, review.version, retrain, report,
          null, seconds(started));
    } finally {
      WorkDirs.delete(work);
    }
  }

  /**
   * One class of the night next to the reference.
   *
   * @param referenceShare its share of the model's predictions on the catalogue it was trained on
   * @param trainingShare its share of the training split's labels
   */
  record ClassRow(String label, double referenceShare, double trainingShare, double predictedShare, long predicted,
      Double meanProbability, long labelled, Double agreement) {}

  /** What the night looked like. */
  private record Night(long products, long predictions, long labelled, Map<String, Long> mix, double meanProbability,
      double lowConfidenceShare, double textPathShare, Double agreement, InputProfile inputs,
      List<ClassRow> classes, long[] confidenceHistogram, long productsVersion, Long featuresVersion,
      long predictionsVersion) {}

  private Night measure(LoadedModel loaded, MonitorReference reference) {
    DeltaTable predictionsTable = DeltaTable.forPath(spark, lake.predictions());
    long predictionsVersion = DeltaTables.version(predictionsTable);
    Dataset<Row> predictions = spark.read().format("delta").option("versionAsOf", predictionsVersion)
        .load(lake.predictions());
    Row overall = predictions.agg(count(lit(1)), avg(col("probability")),
        avg(when(col("probability").lt(config.score().lowConfidence()), 1.0).otherwise(0.0)),
        avg(when(not(col("image_used")), 1.0).otherwise(0.0)),
        count(col("label")), avg(when(col("label_agrees"), 1.0).when(not(col("label_agrees")), 0.0))).head();
    long rows = overall.getLong(0);
    if (rows == 0) {
      throw CatalogErrors.nothingToMonitor(lake.names().predictions(), predictionsVersion);
    }
    Map<String, Long> mix = new TreeMap<>();
    Map<String, Double> meanByClass = new TreeMap<>();
    for (Row r : predictions.groupBy("predicted_label").agg(count(lit(1)), avg(col("probability"))).collectAsList()) {
      mix.put(r.getString(0), r.getLong(1));
      meanByClass.put(r.getString(0), r.getDouble(2));
    }
    Map<String, long[]> byLabel = new TreeMap<>();
    for (Row r : predictions.where(col("label").isNotNull()).groupBy("label")
        .agg(count(lit(1)), count(when(col("label_agrees"), 1))).collectAsList()) {
      byLabel.put(r.getString(0), new long[] {r.getLong(1), r.getLong(2)});
    }
    long[] histogram = new long[ClassificationReport.CONFIDENCE_BINS];
    for (Row r : predictions.groupBy(floor(col("probability").multiply(ClassificationReport.CONFIDENCE_BINS))
        .as("_bin")).count().collectAsList()) {
      histogram[ClassificationReport.confidenceBin(r.getLong(0) / (double) ClassificationReport.CONFIDENCE_BINS)] +=
          r.getLong(1);
    }
    long trainTotal = reference.trainLabels().values().stream().mapToLong(Long::longValue).sum();
    TreeSet<String> labels = new TreeSet<>(reference.trainLabels().keySet());
    labels.addAll(reference.predicted().keySet());
    labels.addAll(mix.keySet());
    List<ClassRow> classes = new ArrayList<>();
    for (String label : labels) {
      long[] l = byLabel.getOrDefault(label, new long[2]);
      classes.add(new ClassRow(label, reference.predicted().getOrDefault(label, 0L) / (double) reference.products(),
          trainTotal == 0 ? 0 : reference.trainLabels().getOrDefault(label, 0L) / (double) trainTotal,
          mix.getOrDefault(label, 0L) / (double) rows, mix.getOrDefault(label, 0L), meanByClass.get(label), l[0],
          l[0] == 0 ? null : l[1] / (double) l[0]));
    }

    long productsVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.products()));
    Dataset<Row> products = spark.read().format("delta").option("versionAsOf", productsVersion).load(lake.products())
        .select("product_id", "content_hash", "title", "image_status");
    Long featuresVersion = null;
    Dataset<Row> withImages;
    if (DeltaTable.isDeltaTable(spark, lake.features())) {
      featuresVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.features()));
      Dataset<Row> silver = spark.read().format("delta").option("versionAsOf", featuresVersion).load(lake.features())
          .select(col("product_id").as("_pid"), col("content_hash").as("_hash"), col("image_ok").as("_silver_ok"));
      withImages = products.join(silver, products.col("product_id").equalTo(silver.col("_pid"))
          .and(products.col("content_hash").equalTo(silver.col("_hash"))), "left");
    } else {
      withImages = products.withColumn("_silver_ok", lit(null).cast("boolean"));
    }
    // Silver says whether preprocess could decode the image; a product it has not seen yet, what ingest found.
    Dataset<Row> rowsIn = withImages.withColumn("image_ok",
        coalesce(col("_silver_ok"), col("image_status").equalTo("ok")));
    TextPipeline text = loaded.pkg().textPipeline();
    InputProfile inputs = InputProfile.measure(rowsIn, text);
    return new Night(inputs.products(), rows, overall.getLong(4), mix, overall.getDouble(1), overall.getDouble(2),
        overall.getDouble(3), overall.isNullAt(5) ? null : overall.getDouble(5), inputs, classes, histogram,
        productsVersion, featuresVersion, predictionsVersion);
  }

  private List<Check> checks(Night n, MonitorReference r) {
    MonitorSettings t = config.monitor();
    InputProfile ref = r.inputs();
    return List.of(
        Check.of(JS_DISTANCE, Drift.jensenShannon(r.predicted(), n.mix), null, t.jsDistance(),
            Check.Rule.DISTANCE),
        Check.of(PSI, Drift.psi(r.predicted(), n.mix), null, t.psi(), Check.Rule.DISTANCE),
        Check.of(MEAN_PROBABILITY, n.meanProbability, r.meanConfidence(), t.confidenceDrop(), Check.Rule.DROP),
        Check.of(LOW_CONFIDENCE_SHARE, n.lowConfidenceShare, r.shareUnder(config.score().lowConfidence()),
            t.lowConfidenceRise(), Check.Rule.RISE),
        Check.of(UNKNOWN_WORD_SHARE, n.inputs.unknownWordShare(), ref.unknownWordShare(), t.unknownTokenRise(),
            Check.Rule.RISE),
        Check.of(MEAN_TITLE_WORDS, n.inputs.meanTitleWords(), ref.meanTitleWords(), t.titleLengthChange(),
            Check.Rule.RELATIVE_CHANGE),
        Check.of(IMAGE_FAILURE_SHARE, n.inputs.imageFailureShare(), ref.imageFailureShare(), t.imageFailureRise(),
            Check.Rule.RISE),
        Check.of(TEXT_PATH_SHARE, n.textPathShare, r.textPathShare(), t.textPathRise(), Check.Rule.RISE),
        Check.of(LABEL_AGREEMENT, n.agreement, n.agreement == null ? null : r.agreement(), t.agreementDrop(),
            Check.Rule.DROP));
  }

  /** MERGEs the night's row and class rows; returns the version of gold.monitoring. */
  private long write(LocalDate night, String status, List<String> breaches, List<Check> checks, Night n,
      MonitorReference reference, LoadedModel m, String runId, Timestamp now) {
    Date date = Date.valueOf(night);
    List<Object> values = new ArrayList<>(List.of(date, status, breaches, m.name()));
    values.add(m.version());
    values.add(m.runId());
    values.add(n.products);
    values.add(n.predictions);
    values.add(n.labelled);
    Map<String, Check> byMetric = new LinkedHashMap<>();
    checks.forEach(c -> byMetric.put(c.metric(), c));
    for (String metric : MonitorTables.METRICS) {
      Check c = byMetric.get(metric);
      values.add(c.value());
      if (!MonitorTables.distance(metric)) {
        values.add(c.reference());
      }
    }
    values.add(n.productsVersion);
    values.add(n.featuresVersion);
    values.add(n.predictionsVersion);
    values.add(reference.featuresVersion());
    values.add(runId);
    values.add(now);
    Dataset<Row> row = spark.createDataFrame(List.of(RowFactory.create(values.toArray())), MonitorTables.MONITORING);
    DeltaTable monitoring = DeltaTables.createIfNotExists(spark, lake.monitoring(), MonitorTables.MONITORING,
        Map.of());
    DeltaTables.Commit commit = DeltaTables.mergeAndVerify(monitoring, lake.names().monitoring(),
        monitoring.as("t").merge(row.as("s"), "t.night = s.night").whenMatched().updateAll().whenNotMatched()
            .insertAll(), DeltaTables.Expected.written(1, 0));

    List<Row> classRows = n.classes.stream().map(c -> RowFactory.create(date, c.label(), c.referenceShare(),
        c.trainingShare(), c.predictedShare(), c.predicted(), c.meanProbability(), c.labelled(), c.agreement(), m.name(), m.version(),
        runId, now)).toList();
    DeltaTable classes = DeltaTables.createIfNotExists(spark, lake.monitoringClasses(), MonitorTables.CLASSES,
        Map.of());
    Dataset<Row> source = spark.createDataFrame(classRows, MonitorTables.CLASSES);
    long stale = classes.toDF().where(col("night").equalTo(lit(date)))
        .join(source.select(col("label").as("_label")), col("label").equalTo(col("_label")), "left_anti").count();
    DeltaTables.mergeAndVerify(classes, lake.names().monitoringClasses(),
        classes.as("t").merge(source.as("s"), "t.night = s.night AND t.label = s.label")
            .whenMatched().updateAll().whenNotMatched().insertAll()
            .whenNotMatchedBySource("t.night = DATE'" + night + "'").delete(),
        DeltaTables.Expected.written(classRows.size(), stale));
    return commit.version();
  }

  /** The model's monitored nights up to this one, oldest first (rows of other models are another history). */
  private List<RetrainPolicy.Night> modelNights(LoadedModel m, LocalDate night) {
    return spark.read().format("delta").load(lake.monitoring())
        .where(col("model_name").equalTo(m.name()).and(col("model_version").eqNullSafe(m.version()))
            .and(col("model_run_id").eqNullSafe(m.runId())).and(col("night").leq(lit(Date.valueOf(night)))))
        .orderBy("night").select("night", "status", LABEL_AGREEMENT).collectAsList().stream()
        .map(r -> new RetrainPolicy.Night(r.get(0).toString(), MonitorResult.DRIFT.equals(r.getString(1)),
            r.isNullAt(2) ? null : r.getDouble(2)))
        .toList();
  }

  /** Products corrected in gold.feedback since the model's package was written. */
  private long corrections(LoadedModel m) {
    if (!DeltaTable.isDeltaTable(spark, lake.feedback())) {
      return 0;
    }
    Timestamp trained = Timestamp.from(java.time.Instant.parse(m.pkg().card().createdAt()));
    return spark.read().format("delta").load(lake.feedback()).where(col("received_at").gt(lit(trained))).count();
  }

  /** What the review list got. */
  private record Review(long rows, Long version) {}

  /**
   * Replaces {@code gold.review} with tonight's products most worth a person's look, best first:
   * predictions that disagree with the catalogue's label, then those under {@code score.low-confidence},
   * then close calls (top two within {@code monitor.review-margin}); lowest probability first within
   * each; products already corrected in {@code gold.feedback} are left out.
   */
  private Review review(LocalDate night, LoadedModel m, long predictionsVersion, String runId) {
    int size = config.monitor().reviewSize();
    if (size == 0) {
      return new Review(0, null);
    }
    Dataset<Row> p = spark.read().format("delta").option("versionAsOf", predictionsVersion).load(lake.predictions());
    if (DeltaTable.isDeltaTable(spark, lake.feedback())) {
      p = p.join(spark.read().format("delta").load(lake.feedback()).select("product_id"), "product_id", "left_anti");
    }
    Column second = col("top_probabilities").getItem(1);
    Column reason = when(not(col("label_agrees")), lit("disagrees"))
        .when(col("probability").lt(config.score().lowConfidence()), lit("low_confidence"))
        .when(second.isNotNull().and(col("probability").minus(second).lt(config.monitor().reviewMargin())),
            lit("close_call"));
    Column order = when(col("reason").equalTo("disagrees"), 0).when(col("reason").equalTo("low_confidence"), 1)
        .otherwise(2);
    Dataset<Row> bronze = spark.read().format("delta").load(lake.products())
        .select(col("product_id").as("_pid"), col("title"), col("image_uri"));
    List<Row> picked = p.withColumn("reason", reason).where(col("reason").isNotNull())
        .orderBy(order, col("probability"), col("product_id")).limit(size)
        .join(bronze, col("product_id").equalTo(col("_pid")), "left")
        .orderBy(order, col("probability"), col("product_id"))
        .select(col("product_id"), col("reason"), col("predicted_label"), col("probability"),
            col("top_labels").getItem(1).as("second_label"), second.as("second_probability"), col("label"),
            col("title"), col("image_uri"))
        .collectAsList();
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < picked.size(); i++) {
      Row r = picked.get(i);
      rows.add(RowFactory.create(Date.valueOf(night), i + 1, r.get(0), r.get(1), r.get(2), r.get(3), r.get(4),
          r.get(5), r.get(6), r.get(7), r.get(8), m.name(), m.version(), runId));
    }
    DeltaTables.createIfNotExists(spark, lake.review(), MonitorTables.REVIEW, Map.of());
    spark.createDataFrame(rows, MonitorTables.REVIEW).write().format("delta").mode("overwrite").save(lake.review());
    return new Review(rows.size(), DeltaTables.version(DeltaTable.forPath(spark, lake.review())));
  }

  /** The last {@code monitor.history-nights} nights of gold.monitoring up to this one, oldest first. */
  private List<Row> history(LocalDate night) {
    return spark.read().format("delta").load(lake.monitoring())
        .where(col("night").gt(lit(Date.valueOf(night.minusDays(config.monitor().historyNights()))))
            .and(col("night").leq(lit(Date.valueOf(night)))))
        .orderBy("night").collectAsList();
  }

  /** Copies the local report folder to {@code <lake>/reports/monitor/<night>/} (any Hadoop file system). */
  private String publish(Path local, LocalDate night) {
    org.apache.hadoop.fs.Path target = new org.apache.hadoop.fs.Path(lake.monitorReports(), night.toString());
    try {
      FileSystem fs = target.getFileSystem(spark.sparkContext().hadoopConfiguration());
      fs.delete(target, true);
      fs.mkdirs(target);
      try (var files = Files.list(local)) {
        for (Path f : files.toList()) {
          fs.copyFromLocalFile(false, true, new org.apache.hadoop.fs.Path(f.toUri()),
              new org.apache.hadoop.fs.Path(target, f.getFileName().toString()));
        }
      }
      return target.toString();
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(Path.of(target.toUri().getPath()), e);
    }
  }

  private void track(LocalDate night, String status, List<String> breaches, List<Check> checks, Night n,
      LoadedModel m, long monitoringVersion, Path report) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("catalogml.monitor.status", status);
    tags.put("catalogml.monitor.night", night.toString());
    tags.put("catalogml.monitor.breaches", String.join(",", breaches));
    tags.put("catalogml.model.name", m.name());
    tags.put("catalogml.model.version", String.valueOf(m.version()));
    tags.put("catalogml.model.run", String.valueOf(m.runId()));
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(lake.names().products(), n.productsVersion);
    if (n.featuresVersion != null) {
      versions.put(lake.names().features(), n.featuresVersion);
    }
    versions.put(lake.names().predictions(), n.predictionsVersion);
    tags.putAll(RunTags.inputVersions(versions));
    tags.put("catalogml.output." + lake.names().monitoring() + ".version", Long.toString(monitoringVersion));
    run.setTags(tags);
    Map<String, Double> metrics = new TreeMap<>();
    for (Check c : checks) {
      if (c.value() != null) {
        metrics.put("monitor_" + c.metric(), c.value());
      }
    }
    metrics.put("monitor_breaches", (double) breaches.size());
    run.logMetrics(metrics, night.toEpochDay());
    Map<String, String> model = new LinkedHashMap<>();
    for (String key : List.of("catalogml.model.name", "catalogml.model.version", "catalogml.model.run")) {
      model.put(key, tags.get(key));
    }
    MonitorHistory.Logged history = MonitorHistory.log(run.tracker(), MonitorHistory.key(m.name(), m.version(),
        m.runId()), model, metrics, night);
    if (!history.kept().isEmpty()) {
      LOG.info("monitor: night {} was already in the history run {} of {}; its first values stay there", night,
          history.runId(), m.name());
    }
    run.setTags(Map.of("catalogml.monitor.history_run_id", history.runId()));
    run.logArtifact(report, "");
  }


  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }
}
