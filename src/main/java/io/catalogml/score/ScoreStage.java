package io.catalogml.score;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ModelSettings;
import io.catalogml.core.Stage;
import io.catalogml.core.WorkDirs;
import io.catalogml.feedback.Corrections;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.model.Classifier;
import io.catalogml.model.LabelMap;
import io.catalogml.model.ModelFeatures;
import io.catalogml.model.ModelLoader;
import io.catalogml.model.ModelLoader.LoadedModel;
import io.catalogml.model.Predictor;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.RunTags;
import io.catalogml.tracking.TrackedRun;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.Seq;

/**
 * {@code bronze.products} → {@code gold.predictions}: every product gets the model's
 * prediction, incrementally.
 *
 * <ol>
 *   <li>Load the model once for the job ({@link ModelLoader}): registry alias or version, or a folder.</li>
 *   <li>Pick the products to score: new, changed ({@code content_hash}) or scored by another model
 *       (all with {@code full}); products gone from bronze leave the predictions.</li>
 *   <li>Features by the rule of {@link ModelFeatures}: silver as it is where it matches the model,
 *       else featurised from bronze with the model's own pipeline.</li>
 *   <li>Batched inference on the executors (the network restored once per executor JVM); a product
 *       the model has no usable input for goes to the score quarantine with the reason.</li>
 *   <li>One verified MERGE into each table ({@link DeltaTables#mergeAndVerify}); a lost race with
 *       another writer is redone from a fresh read ({@link DeltaConflicts}). Nothing to do, no commit.</li>
 * </ol>
 */
public final class ScoreStage implements Stage<ScoreResult> {
  private static final Logger LOG = LoggerFactory.getLogger(ScoreStage.class);
  /** Metric prefix of the predicted class mix (share of the table per class). */
  public static final String CLASS_SHARE = "class_share.";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final TrackedRun run;
  private final ModelRegistry registry;
  private final String model;
  private final boolean full;
  private final Lake lake;
  private final AtomicInteger attempts = new AtomicInteger();

  /**
   * @param model models:/NAME@ALIAS, models:/NAME/VERSION or a package folder; null = {@code score.model}
   *     (whose empty default is {@code models:/<model.name>@champion})
   * @param full rescore every product
   */
  public ScoreStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry, String model,
      boolean full) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.registry = registry;
    this.model = modelReference(config, model);
    this.full = full;
    this.lake = Lake.of(config);
  }

  /**
   * The model a score (and the monitor of its predictions) uses: {@code override} when given, else
   * {@code score.model}, else {@code models:/<model.name>@champion}.
   */
  public static String modelReference(CatalogConfig config, String override) {
    return override != null && !override.isBlank() ? override
        : !config.score().model().isBlank() ? config.score().model()
        : "models:/" + config.model().name() + "@champion";
  }

  @Override
  public ScoreResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    Path work = WorkDirs.create("score");
    try {
      LoadedModel loaded = ModelLoader.load(model, registry, work);
      ModelFeatures.requireProducts(spark, lake);
      LOG.info("score {}: model {} ({} {}, {} {}), {}", runId, model, loaded.name(),
          loaded.version() == null ? "package folder" : "v" + loaded.version(), loaded.pkg().card().type(),
          loaded.pkg().card().mode(), full ? "full" : "incremental");
      Classifier classifier = loaded.pkg().classifier(spark, config.score().batchSize());
      spark.sparkContext().setJobGroup("score-" + runId, "catalog-ml score " + model + (full ? " --full" : ""), false);
      try {
        Outcome outcome = DeltaConflicts.retry(lake.names().predictions(), config.lake().conflictRetries(),
            () -> attempt(loaded, classifier, runId));
        Summary summary = summary();
        long loads = classifier.networkLoads();
        ScoreResult result = new ScoreResult("score", runId, full, model, loaded.name(), loaded.version(),
            loaded.alias(), loaded.runId(), loaded.pkg().card().type(), loaded.pkg().card().mode(),
            outcome.products, outcome.scored, outcome.products - outcome.todo, outcome.removed, outcome.relabelled,
            outcome.quarantined, outcome.reasons, outcome.textOnly, outcome.fromBronze, outcome.fromSilver,
            outcome.productsVersion, outcome.featuresVersion, outcome.predictionsVersion, outcome.quarantineVersion,
            loads, outcome.inferenceSeconds > 0 ? outcome.todo / outcome.inferenceSeconds : 0, summary.meanProbability,
            summary.lowConfidenceShare, summary.labelAgreement, attempts.get() - 1, seconds(started));
        track(result, summary);
        LOG.info("score {}: {} scored, {} unchanged, {} removed, {} quarantined in {} s", runId, result.scored(),
            result.unchanged(), result.removed(), result.quarantined(), String.format("%.1f", result.seconds()));
        return result;
      } finally {
        spark.sparkContext().clearJobGroup();
      }
    } finally {
      WorkDirs.delete(work);
    }
  }

  /** What one attempt read and wrote. */
  private record Outcome(long products, long todo, long scored, long removed, long relabelled, long quarantined,
      Map<String, Long> reasons, long textOnly, long fromBronze, long fromSilver, long productsVersion,
      Long featuresVersion, long predictionsVersion, long quarantineVersion, double inferenceSeconds) {}

  private Outcome attempt(LoadedModel loaded, Classifier classifier, String runId) {
    attempts.incrementAndGet();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    ModelFeatures.Inputs inputs = ModelFeatures.read(spark, lake, config.preprocess());
    long productsVersion = inputs.productsVersion();
    Long featuresVersion = inputs.featuresVersion();
    Dataset<Row> silver = inputs.silver();
    Dataset<Row> products = inputs.products();
    DeltaTable predictions = DeltaTables.addMissingColumns(spark, DeltaTables.createIfNotExists(spark,
        lake.predictions(), ScoreTables.PREDICTIONS, ScoreTables.PROPERTIES), lake.predictions(),
        ScoreTables.PREDICTIONS);
    DeltaTable quarantine = DeltaTables.createIfNotExists(spark, lake.scoreQuarantine(), ScoreTables.QUARANTINE,
        ScoreTables.PROPERTIES);
    Dataset<Row> current = predictions.toDF();
    Dataset<Row> currentQ = quarantine.toDF();
    Dataset<Row> todo = toScore(products, current, currentQ, loaded);
    Dataset<Row> outcomes = outcomes(loaded, classifier, ModelFeatures.of(spread(todo), silver, loaded.pkg(),
        productsVersion, runId, now)).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long t0 = System.nanoTime();
      Counts counts = Counts.of(outcomes);
      double inferenceSeconds = seconds(t0);
      long productCount = products.count();
      LOG.info("score {}: {} of {} products featurised and scored in {} s ({} rows/s)", runId, counts.todo,
          productCount, String.format("%.1f", inferenceSeconds),
          String.format("%.0f", inferenceSeconds > 0 ? counts.todo / inferenceSeconds : 0));

      Dataset<Row> ids = products.select(col("product_id").as("_pid"));
      Dataset<Row> gone = current.select("product_id").join(ids, col("product_id").equalTo(col("_pid")), "left_anti");
      Dataset<Row> nowQuarantined = outcomes.where(not(col("_scoreable"))).select("product_id");
      Dataset<Row> staleByQuarantine = current.select("product_id").join(
          nowQuarantined.select(col("product_id").as("_pid")), col("product_id").equalTo(col("_pid")), "left_semi");
      // Usually empty, always small: computed once (a join of the whole table with bronze), used by the MERGE.
      Dataset<Row> predictionDeletes = gone.unionByName(staleByQuarantine).distinct()
          .persist(StorageLevel.MEMORY_AND_DISK());
      long removed = predictionDeletes.count();

      // The label that counts: a person's correction (gold.feedback) over the catalogue's.
      Dataset<Row> labels = Corrections.labels(spark, lake, products).select(col("product_id").as("_lid"),
          col("label").as("_label"), col("label_source").as("_label_source"));
      Dataset<Row> scoredRows = predictionRows(loaded, outcomes.where(col("_scoreable")), labels, productsVersion,
          featuresVersion, runId, now);
      Dataset<Row> relabelRows = relabelled(current, labels, outcomes).persist(StorageLevel.MEMORY_AND_DISK());
      long relabelled = relabelRows.count();
      LOG.info("score {}: merging {} predictions, {} new labels and {} deletions into {}", runId, counts.scored,
          relabelled, removed, lake.names().predictions());
      DeltaTables.Commit p = DeltaTables.mergeAndVerify(predictions, lake.names().predictions(),
          upsertAndDelete(predictions, scoredRows.unionByName(relabelRows), predictionDeletes,
              ScoreTables.PREDICTIONS),
          DeltaTables.Expected.written(counts.scored + relabelled, removed));
      relabelRows.unpersist();

      Dataset<Row> goneQ = currentQ.select("product_id").join(ids, col("product_id").equalTo(col("_pid")), "left_anti");
      Dataset<Row> nowScored = outcomes.where(col("_scoreable")).select(col("product_id").as("_pid"));
      Dataset<Row> resolved = currentQ.select("product_id").join(nowScored, col("product_id").equalTo(col("_pid")),
          "left_semi");
      Dataset<Row> quarantineDeletes = goneQ.unionByName(resolved).distinct().persist(StorageLevel.MEMORY_AND_DISK());
      long unquarantined = quarantineDeletes.count();
      DeltaTables.Commit q = DeltaTables.mergeAndVerify(quarantine, lake.names().scoreQuarantine(),
          upsertAndDelete(quarantine, quarantineRows(loaded, outcomes.where(not(col("_scoreable"))), productsVersion,
              runId, now), quarantineDeletes, ScoreTables.QUARANTINE),
          DeltaTables.Expected.written(counts.quarantined, unquarantined));
      predictionDeletes.unpersist();
      quarantineDeletes.unpersist();
      LOG.info("score {}: {} version {}, {} version {}; {} s since the products were scored", runId,
          lake.names().predictions(), p.version(), lake.names().scoreQuarantine(), q.version(),
          String.format("%.1f", seconds(t0) - inferenceSeconds));
      return new Outcome(productCount, counts.todo, counts.scored, removed, relabelled, counts.quarantined,
          counts.reasons, counts.textOnly, counts.fromBronze, counts.fromSilver, productsVersion, featuresVersion,
          p.version(), q.version(), inferenceSeconds);
    } finally {
      outcomes.unpersist();
    }
  }

  /**
   * The products to score over at least as many partitions as the cluster has cores: a bronze of
   * few large files would otherwise featurise and infer in few tasks, leaving cores idle. An
   * incremental run's products come out of a join, whose few rows adaptive execution would
   * coalesce into one partition at run time (1% of a million products scored on one core), so
   * they are always repartitioned: Spark keeps a partition count the query asks for.
   */
  private Dataset<Row> spread(Dataset<Row> todo) {
    int cores = spark.sparkContext().defaultParallelism();
    if (!full) {
      return todo.repartition(Math.max(cores, spark.sessionState().conf().numShufflePartitions()));
    }
    return todo.rdd().getNumPartitions() < cores ? todo.repartition(cores) : todo;
  }

  /** Products not scored (or quarantined) by this model for their current content; all with --full. */
  private Dataset<Row> toScore(Dataset<Row> products, Dataset<Row> predictions, Dataset<Row> quarantined,
      LoadedModel loaded) {
    if (full) {
      return products;
    }
    Dataset<Row> todo = products;
    if (predictions != null) {
      todo = done(todo, predictions.where(sameModel(loaded)));
    }
    if (quarantined != null) {
      todo = done(todo, quarantined.where(sameModel(loaded)));
    }
    return todo;
  }

  /**
   * What {@link #execute} would do now, nothing written: the model is resolved and loaded (so a
   * model that cannot be loaded fails here as it would there) and the products to score counted.
   */
  public ScorePlan plan() {
    Path work = WorkDirs.create("score");
    try {
      LoadedModel loaded = ModelLoader.load(model, registry, work);
      if (!DeltaTable.isDeltaTable(spark, lake.products())) {
        return new ScorePlan("score", true, model, loaded.name(), loaded.version(), full, null, 0, 0);
      }
      ModelFeatures.Inputs inputs = ModelFeatures.read(spark, lake, config.preprocess());
      Dataset<Row> todo = toScore(inputs.products(), existing(lake.predictions()), existing(lake.scoreQuarantine()),
          loaded);
      return new ScorePlan("score", true, model, loaded.name(), loaded.version(), full, inputs.productsVersion(),
          inputs.products().count(), todo.count());
    } finally {
      WorkDirs.delete(work);
    }
  }

  private Dataset<Row> existing(String location) {
    return DeltaTable.isDeltaTable(spark, location) ? spark.read().format("delta").load(location) : null;
  }

  /** Products of {@code todo} without a row in {@code done} for the same content. */
  private static Dataset<Row> done(Dataset<Row> todo, Dataset<Row> done) {
    Dataset<Row> keys = done.select(col("product_id").as("_did"), col("content_hash").as("_dhash"));
    return todo.join(keys, col("product_id").equalTo(col("_did")).and(col("content_hash").equalTo(col("_dhash"))),
        "left_anti");
  }

  private static Column sameModel(LoadedModel m) {
    return col("model_name").eqNullSafe(m.name()).and(col("model_version").eqNullSafe(m.version()))
        .and(col("model_run_id").eqNullSafe(m.runId()));
  }

  /**
   * Per product: whether the model has usable input, its probabilities' top k, and what
   * quarantine would say. Compact (no ids or pixels), so it can be cached.
   */
  private Dataset<Row> outcomes(LoadedModel loaded, Classifier classifier, Dataset<Row> features) {
    ModelSettings.Mode mode = loaded.pkg().spec().mode();
    // A known word, or (for a model that reads them) a subword id: a product of unknown words still has those.
    boolean subwords = loaded.pkg().spec().subwordTokens() > 0;
    Column textOk = expr("exists(title_ids, x -> x >= 2) OR exists(description_ids, x -> x >= 2)"
        + (subwords ? " OR size(subword_ids) > 0" : ""));
    Column imageOk = col("image_ok");
    Column scoreable = mode == ModelSettings.Mode.TEXT ? textOk
        : mode == ModelSettings.Mode.IMAGE ? imageOk : textOk.or(imageOk);
    Dataset<Row> checked = features.withColumn("_text_ok", textOk).withColumn("_scoreable", scoreable);
    LabelMap labels = classifier.labels();
    int k = Math.min(config.score().topK(), labels.size());
    StructType top = new StructType()
        .add("labels", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("probabilities", DataTypes.createArrayType(DataTypes.DoubleType, false), false);
    Column topK = udf((UDF1<Seq<Float>, Row>) p -> topK(p, labels, k), top).apply(col(Predictor.PROBABILITIES));
    boolean usesImage = mode.usesImage();
    return classifier.withProbabilities(checked)
        .withColumn("_top", topK)
        .withColumn("_image_used", usesImage ? col("image_ok") : lit(false))
        .withColumn("_reason", when(not(col("_scoreable")), lit(reason(mode))))
        .withColumn("_message", when(not(col("_scoreable")), message(mode, subwords)))
        .select("product_id", "content_hash", "label", ModelFeatures.SOURCE, "_scoreable", "_image_used", "_top",
            "_reason", "_message");
  }

  /**
   * The {@code k} most probable classes, most probable first; equal probabilities in class order,
   * NaN last. {@code k} passes over the probabilities (k is small) rather than a sort of them all.
   */
  static Row topK(Seq<Float> probabilities, LabelMap labels, int k) {
    int n = probabilities.length();
    float[] p = new float[n];
    scala.collection.Iterator<Float> it = probabilities.iterator();
    for (int i = 0; i < n; i++) {
      Float v = it.next();
      p[i] = v == null || v.isNaN() ? Float.NaN : v;
    }
    boolean[] taken = new boolean[n];
    List<String> names = new ArrayList<>(k);
    List<Double> values = new ArrayList<>(k);
    for (int rank = 0; rank < k && rank < n; rank++) {
      int best = -1;
      for (int i = 0; i < n; i++) {
        if (!taken[i] && (best < 0 || above(p[i], p[best]))) {
          best = i;
        }
      }
      taken[best] = true;
      names.add(labels.label(best));
      values.add((double) p[best]);
    }
    return RowFactory.create(names, values);
  }

  /** Strictly more probable; any number is above NaN. */
  private static boolean above(float a, float b) {
    return Float.isNaN(b) ? !Float.isNaN(a) : a > b;
  }

  private static String reason(ModelSettings.Mode mode) {
    return switch (mode) {
      case TEXT -> "no_known_words";
      case IMAGE -> "image_unusable";
      case FUSION -> "no_usable_input";
    };
  }

  private static Column message(ModelSettings.Mode mode, boolean subwords) {
    Column image = concat(lit("the image is unusable ("), expr("coalesce(image_failure, 'unknown')"), lit(": "),
        expr("coalesce(image_message, '')"), lit(")"));
    String words = subwords ? "the title and description have no word (stop words and punctuation do not count)"
        : "no word of the title or description is in the model's vocabulary";
    String fix = "; fix the product's text or image in the catalogue, and the next run scores it";
    return switch (mode) {
      case TEXT -> lit(words + " (a text model reads no image)" + fix);
      case IMAGE -> concat(lit("the model reads only the image, and "), image, lit(fix));
      case FUSION -> concat(lit(words + ", and "), image, lit(fix));
    };
  }

  /**
   * Predictions kept as they are (not scored again, not removed) whose label is not the one that counts
   * now ({@code labels}: a correction arrived, or the catalogue relabelled the product): the row with its
   * {@code label}, {@code label_agrees} and {@code label_source} replaced, the rest as it was.
   */
  private static Dataset<Row> relabelled(Dataset<Row> current, Dataset<Row> labels, Dataset<Row> outcomes) {
    Column[] row = Arrays.stream(ScoreTables.PREDICTIONS.fieldNames()).map(f -> switch (f) {
      case "label" -> col("_label").as(f);
      case "label_agrees" -> agrees(col("_label"), col("predicted_label")).as(f);
      case "label_source" -> col("_label_source").as(f);
      default -> col(f);
    }).toArray(Column[]::new);
    return current.join(labels, col("product_id").equalTo(col("_lid")))
        .where(not(col("label").eqNullSafe(col("_label")).and(col("label_source").eqNullSafe(col("_label_source")))))
        .join(outcomes.select(col("product_id").as("_oid")), col("product_id").equalTo(col("_oid")), "left_anti")
        .select(row);
  }

  private static Column agrees(Column label, Column predicted) {
    return when(label.isNotNull(), label.equalTo(predicted));
  }

  private Dataset<Row> predictionRows(LoadedModel m, Dataset<Row> scored, Dataset<Row> labels, long productsVersion,
      Long featuresVersion, String runId, Timestamp now) {
    return scored.join(labels, col("product_id").equalTo(col("_lid")), "left").select(
        col("product_id"),
        col("_top.labels").getItem(0).as("predicted_label"),
        col("_top.probabilities").getItem(0).as("probability"),
        col("_top.labels").as("top_labels"),
        col("_top.probabilities").as("top_probabilities"),
        col("_label").as("label"),
        agrees(col("_label"), col("_top.labels").getItem(0)).as("label_agrees"),
        col("_image_used").as("image_used"),
        col(ModelFeatures.SOURCE),
        lit(m.name()).as("model_name"),
        lit(m.version()).cast(DataTypes.StringType).as("model_version"),
        lit(m.alias()).cast(DataTypes.StringType).as("model_alias"),
        lit(m.runId()).cast(DataTypes.StringType).as("model_run_id"),
        lit(m.pkg().spec().textPipelineId()).as("text_pipeline_id"),
        col("content_hash"),
        lit(productsVersion).as("products_version"),
        lit(featuresVersion).cast(DataTypes.LongType).as("features_version"),
        lit(runId).as("score_run_id"),
        lit(now).as("scored_at"),
        col("_label_source").as("label_source"));
  }

  private static Dataset<Row> quarantineRows(LoadedModel m, Dataset<Row> rows, long productsVersion, String runId,
      Timestamp now) {
    return rows.select(
        col("product_id"), col("content_hash"), col("_reason").as("reason"), col("_message").as("message"),
        lit(m.name()).as("model_name"),
        lit(m.version()).cast(DataTypes.StringType).as("model_version"),
        lit(m.runId()).cast(DataTypes.StringType).as("model_run_id"),
        lit(productsVersion).as("products_version"),
        lit(runId).as("score_run_id"),
        lit(now).as("quarantined_at"));
  }

  /** A MERGE on product_id: {@code upserts} are inserted or replace the row, {@code deletes} (ids) are deleted. */
  private static io.delta.tables.DeltaMergeBuilder upsertAndDelete(DeltaTable table, Dataset<Row> upserts,
      Dataset<Row> deletes, StructType schema) {
    Column[] nulls = Arrays.stream(schema.fields())
        .map(f -> f.name().equals("product_id") ? col("product_id") : lit(null).cast(f.dataType()).as(f.name()))
        .toArray(Column[]::new);
    Dataset<Row> source = upserts.withColumn("_delete", lit(false))
        .unionByName(deletes.select(nulls).withColumn("_delete", lit(true)));
    Map<String, String> all = new LinkedHashMap<>();
    for (String f : schema.fieldNames()) {
      all.put(f, "s." + f);
    }
    return table.as("t").merge(source.as("s"), "t.product_id = s.product_id")
        .whenMatched("s._delete").delete()
        .whenMatched("NOT s._delete").updateExpr(all)
        .whenNotMatched("NOT s._delete").insertExpr(all);
  }

  /** Counts of one pass over the cached outcomes. */
  private record Counts(long todo, long scored, long quarantined, Map<String, Long> reasons, long textOnly,
      long fromBronze, long fromSilver) {
    static Counts of(Dataset<Row> outcomes) {
      long todo = 0;
      long scored = 0;
      long textOnly = 0;
      long bronze = 0;
      Map<String, Long> reasons = new TreeMap<>();
      for (Row r : outcomes.groupBy(col("_scoreable"), col("_image_used"), col("_reason"), col(ModelFeatures.SOURCE))
          .count().collectAsList()) {
        long n = r.getLong(4);
        todo += n;
        if (r.getBoolean(0)) {
          scored += n;
          textOnly += r.getBoolean(1) ? 0 : n;
          bronze += ModelFeatures.BRONZE.equals(r.getString(3)) ? n : 0;
        } else {
          reasons.merge(r.getString(2), n, Long::sum);
        }
      }
      long quarantined = reasons.values().stream().mapToLong(Long::longValue).sum();
      return new Counts(todo, scored, quarantined, Map.copyOf(reasons), textOnly, bronze, scored - bronze);
    }
  }

  /** Numbers over the whole predictions table after the run, for the run's metrics. */
  private record Summary(long rows, Map<String, Long> classMix, double meanProbability, double lowConfidenceShare,
      Double labelAgreement) {}

  /** The table's state after the run, from one pass: per predicted class its rows and the sums the means need. */
  private Summary summary() {
    Dataset<Row> table = spark.read().format("delta").load(lake.predictions());
    List<Row> classes = table.groupBy("predicted_label").agg(count(lit(1)), sum(col("probability")),
        sum(when(col("probability").lt(config.score().lowConfidence()), 1L).otherwise(0L)),
        sum(when(col("label_agrees"), 1L).otherwise(0L)), count(col("label_agrees"))).collectAsList();
    Map<String, Long> mix = new TreeMap<>();
    long rows = 0;
    double probability = 0;
    long low = 0;
    long agree = 0;
    long labelled = 0;
    for (Row r : classes) {
      mix.put(r.getString(0), r.getLong(1));
      rows += r.getLong(1);
      probability += r.getDouble(2);
      low += r.getLong(3);
      agree += r.getLong(4);
      labelled += r.getLong(5);
    }
    return new Summary(rows, mix, rows == 0 ? 0 : probability / rows, rows == 0 ? 0 : (double) low / rows,
        labelled == 0 ? null : (double) agree / labelled);
  }

  private void track(ScoreResult r, Summary s) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("catalogml.model.name", r.modelName());
    tags.put("catalogml.model.version", String.valueOf(r.modelVersion()));
    tags.put("catalogml.model.alias", String.valueOf(r.modelAlias()));
    tags.put("catalogml.model.run", String.valueOf(r.modelRunId()));
    tags.put("catalogml.score.model", r.model());
    Map<String, Long> versions = new LinkedHashMap<>();
    versions.put(lake.names().products(), r.productsVersion());
    if (r.featuresVersion() != null) {
      versions.put(lake.names().features(), r.featuresVersion());
    }
    tags.putAll(RunTags.inputVersions(versions));
    tags.put("catalogml.output." + lake.names().predictions() + ".version", Long.toString(r.predictionsVersion()));
    tags.put("catalogml.output." + lake.names().scoreQuarantine() + ".version", Long.toString(r.quarantineVersion()));
    run.setTags(tags);
    Map<String, Double> metrics = new TreeMap<>();
    metrics.put("predictions_rows", (double) s.rows());
    s.classMix().forEach((label, n) -> metrics.put(CLASS_SHARE + label, s.rows() == 0 ? 0 : (double) n / s.rows()));
    run.logMetrics(metrics, 0);
  }


  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }
}
