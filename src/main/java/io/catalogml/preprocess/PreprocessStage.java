package io.catalogml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.feedback.Corrections;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.text.TextPipeline;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bronze.products} → {@code silver.features}, incrementally: only products whose
 * content hash changed (or that are new, or were computed with another text pipeline or image
 * size) are recomputed, a changed label is copied without
 * recomputing, and products gone from bronze leave silver, all in one MERGE. Text becomes ids
 * through the fitted {@link TextPipeline} (fitted on the training split when there is none, or
 * with {@code full}); images become {@link ImageColumns}; every row gets its title-group split.
 */
public final class PreprocessStage implements Stage<PreprocessResult> {
  private static final Logger LOG = LoggerFactory.getLogger(PreprocessStage.class);
  /** Folder, under the features table, of the saved text pipelines ({@code <id>.json}). */
  public static final String PIPELINES_FOLDER = "_text_pipelines";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final boolean full;
  private final Lake lake;

  public PreprocessStage(SparkSession spark, CatalogConfig config, boolean full) {
    this.spark = spark;
    this.config = config;
    this.full = full;
    this.lake = Lake.of(config);
  }

  @Override
  public PreprocessResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    if (!DeltaTable.isDeltaTable(spark, lake.products())) {
      throw CatalogErrors.tableMissing(lake.names().products(), lake.products(), "run the ingest job first");
    }
    spark.sparkContext().setJobGroup("preprocess-" + runId, "catalog-ml preprocess" + (full ? " --full" : ""), false);
    try {
      AtomicInteger attempts = new AtomicInteger();
      return DeltaConflicts.retry(lake.names().features(), config.lake().conflictRetries(),
          () -> attempt(runId, now, started, attempts.getAndIncrement()));
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /**
   * Reads bronze and the features table afresh, computes what is missing and MERGEs it; redone
   * whole when another writer committed to the features table first.
   */
  private PreprocessResult attempt(String runId, Timestamp now, long started, int retries) {
    long productsVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.products()));
    // A person's correction (gold.feedback) wins over the catalogue's label; the features stay as they are.
    Dataset<Row> labelled = Corrections.apply(spark, lake,
        FeatureRows.products(spark, lake, productsVersion, config.preprocess())).persist(StorageLevel.MEMORY_AND_DISK());
    long corrected = labelled.where(col(Corrections.CORRECTED)).count();
    Dataset<Row> bronze = labelled.drop(Corrections.CORRECTED);
    DeltaTable features = DeltaTables.addMissingColumns(spark,
        DeltaTables.createIfNotExists(spark, lake.features(), FeatureTables.FEATURES, true), lake.features(),
        FeatureTables.FEATURES);

    Pipeline pipeline = pipeline(features, bronze);
    Dataset<Row> toCompute = toCompute(bronze, features.toDF(), pipeline.text.id());
    Dataset<Row> computed = compute(toCompute, pipeline.text, productsVersion, runId, now)
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> imageFailures = new TreeMap<>();
      long computedRows = 0;
      for (Row r : computed.groupBy("image_failure").count().collectAsList()) {
        computedRows += r.getLong(1);
        if (!r.isNullAt(0)) {
          imageFailures.put(r.getString(0), r.getLong(1));
        }
      }
      LOG.info("preprocess {}: {} rows computed at {} s", runId, computedRows, String.format("%.1f", seconds(started)));
      long products = bronze.count();
      Merged merged = merge(features, bronze, computed, computedRows);
      Map<String, Long> splits = new TreeMap<>();
      features.toDF().groupBy("split").count().collectAsList().forEach(r -> splits.put(r.getString(0), r.getLong(1)));
      return new PreprocessResult("preprocess", runId, full, productsVersion, products, computedRows,
          products - computedRows, merged.relabelled, corrected, merged.removed, imageFailures, splits, pipeline.text.id(),
          pipeline.fitted, pipeline.text.wordIds(), lake.names().features(), merged.version, retries,
          seconds(started));
    } finally {
      computed.unpersist();
      labelled.unpersist();
    }
  }

  /**
   * What {@link #execute} would do now, nothing written: a missing bronze counts as empty (the
   * ingest before it has not run), a missing features table as one to create.
   */
  public PreprocessPlan plan() {
    if (!DeltaTable.isDeltaTable(spark, lake.products())) {
      return new PreprocessPlan("preprocess", true, null, 0, 0, 0, true);
    }
    long productsVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.products()));
    Dataset<Row> bronze = FeatureRows.products(spark, lake, productsVersion, config.preprocess());
    long products = bronze.count();
    if (!DeltaTable.isDeltaTable(spark, lake.features())) {
      return new PreprocessPlan("preprocess", true, productsVersion, products, products, 0, true);
    }
    DeltaTable features = DeltaTable.forPath(spark, lake.features());
    List<String> ids = features.toDF().select("text_pipeline_id").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    boolean fits = full || ids.size() != 1;
    if (!fits) {
      pipeline(features, bronze); // loads the stored pipeline: fails as execute would when preprocess.text changed
    }
    long compute = fits ? products : toCompute(bronze, features.toDF(), ids.get(0)).count();
    return new PreprocessPlan("preprocess", true, productsVersion, products, compute, products - compute, fits);
  }

  /** Products of bronze without a stored feature row of the same content, text pipeline and image spec. */
  private Dataset<Row> toCompute(Dataset<Row> bronze, Dataset<Row> stored, String textPipelineId) {
    return full ? bronze : bronze.join(stored,
        bronze.col("product_id").equalTo(stored.col("product_id"))
            .and(bronze.col("content_hash").equalTo(stored.col("content_hash")))
            .and(stored.col("text_pipeline_id").equalTo(textPipelineId))
            .and(stored.col("image_spec").equalTo(FeatureTables.imageSpec(config.preprocess().image()))),
        "left_anti");
  }

  private record Pipeline(TextPipeline text, boolean fitted) {}

  /** The text pipeline {@code id} stored beside the features table at {@code featuresLocation}. */
  public static TextPipeline storedPipeline(SparkSession spark, String featuresLocation, String id) {
    return TextPipeline.load(featuresLocation + "/" + PIPELINES_FOLDER + "/" + id + ".json",
        spark.sparkContext().hadoopConfiguration());
  }

  /** The stored pipeline of the features, or a new one fitted on the training split. */
  private Pipeline pipeline(DeltaTable features, Dataset<Row> bronze) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    String folder = lake.features() + "/" + PIPELINES_FOLDER;
    List<String> ids = features.toDF().select("text_pipeline_id").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).toList();
    if (!full && ids.size() == 1) {
      TextPipeline stored = storedPipeline(spark, lake.features(), ids.get(0));
      if (!stored.settings().equals(config.preprocess().text())) {
        throw CatalogErrors.textSettingsChanged(ids.get(0), stored.settings().toString(),
            config.preprocess().text().toString());
      }
      return new Pipeline(stored, false);
    }
    if (!full && ids.size() > 1) {
      throw CatalogErrors.mixedTextPipelines(lake.names().features(), ids);
    }
    TextPipeline fitted = TextPipeline.fit(bronze.where(col("split").equalTo(TitleGroups.TRAIN)), "title",
        "description", config.preprocess().text());
    String location = fitted.save(folder, hadoop);
    LOG.info("preprocess: fitted text pipeline {} ({} ids) saved to {}", fitted.id(), fitted.wordIds(), location);
    return new Pipeline(fitted, true);
  }

  private Dataset<Row> compute(Dataset<Row> rows, TextPipeline text, long productsVersion, String runId,
      Timestamp now) {
    return FeatureRows.compute(rows, text, config.preprocess().image(), true, productsVersion, runId, now);
  }

  private record Merged(long relabelled, long removed, long version) {}

  /**
   * One MERGE: computed rows are upserted, reused rows get bronze's label if it changed, and rows
   * whose product left bronze are deleted. Nothing to do → no commit.
   */
  private Merged merge(DeltaTable features, Dataset<Row> bronze, Dataset<Row> computed, long computedRows) {
    Dataset<Row> stored = features.toDF().select(col("product_id").as("_id"), col("label").as("_label"));
    Dataset<Row> reused = bronze.join(computed.select(col("product_id").as("_cid")),
        bronze.col("product_id").equalTo(col("_cid")), "left_anti");
    long relabelled = reused
        .join(stored, reused.col("product_id").equalTo(stored.col("_id")))
        .where(not(reused.col("label").eqNullSafe(stored.col("_label"))))
        .count();
    long removed = stored.join(bronze, stored.col("_id").equalTo(bronze.col("product_id")), "left_anti").count();
    if (computedRows + relabelled + removed == 0) {
      return new Merged(0, 0, DeltaTables.version(features));
    }
    List<Column> nulls = Arrays.stream(FeatureTables.FEATURES.fields())
        .map(f -> f.name().equals("product_id") || f.name().equals("label")
            ? col(f.name())
            : lit(null).cast(f.dataType()).as(f.name()))
        .toList();
    Dataset<Row> labelsOnly = reused.select(nulls.toArray(Column[]::new)).withColumn("_computed", lit(false));
    Dataset<Row> source = computed.withColumn("_computed", lit(true)).unionByName(labelsOnly);

    Map<String, String> all = new LinkedHashMap<>();
    for (String f : FeatureTables.FEATURES.fieldNames()) {
      all.put(f, "s." + f);
    }
    DeltaTables.Commit commit = DeltaTables.mergeAndVerify(features, lake.names().features(),
        features.as("t").merge(source.as("s"), "t.product_id = s.product_id")
            .whenMatched("s._computed").updateExpr(all)
            .whenMatched("NOT s._computed AND NOT (t.label <=> s.label)").updateExpr(Map.of("label", "s.label"))
            .whenNotMatched("s._computed").insertExpr(all)
            .whenNotMatchedBySource().delete(),
        DeltaTables.Expected.written(computedRows + relabelled, removed));
    return new Merged(relabelled, removed, commit.version());
  }

  private static double seconds(long started) {
    return (System.nanoTime() - started) / 1e9;
  }
}
