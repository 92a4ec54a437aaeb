package io.catalogml.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.concat_ws;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.split;
import static org.apache.spark.sql.functions.xxhash64;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Stage;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.ingest.ProductTables;
import io.catalogml.lake.Lake;
import io.catalogml.model.FeatureBatches;
import io.catalogml.model.ModelFeatures;
import io.catalogml.model.ModelPackage;
import io.catalogml.model.Predictor;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.score.ScoreResult;
import io.catalogml.score.ScoreStage;
import io.catalogml.spark.SparkSessions;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.tracking.Tracker;
import io.catalogml.tracking.Trackers;
import io.catalogml.train.TrainResult;
import io.catalogml.train.TrainStage;
import io.delta.tables.DeltaTable;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Scoring throughput of both model families on a large catalogue made from a real drop: the
 * drop is ingested, preprocessed and trained on (the MLlib baseline, and the fusion network of
 * {@code model.*} for one epoch: speed does not depend on quality), then copied into a catalogue
 * of {@code rows} products (new ids, titles varied with one of a few extra words, images reused)
 * written straight to {@code bronze.products} of a fresh lake. Per model: a full score (every
 * product featurised from bronze with the model's pipeline, images decoded for the fusion
 * network), a run after 1% of the titles changed, and a no-change rerun; plus the time to restore
 * the network from its bytes (what each executor JVM does once) and the JVM's peak heap.
 */
public final class ScoreBenchmark implements Stage<ScoreBenchmark.Result> {
  private static final String[] VARIANTS = {"", "New", "Classic", "Premium", "Basic", "Limited", "Sport", "Summer"};

  /**
   * One model's numbers.
   *
   * @param model mllib-logreg, dl4j fusion, or dl4j fusion + baseline (blended, {@code train.blend-baseline})
   * @param rows products in the catalogue
   * @param fullSeconds wall time of the full score job
   * @param fullRowsPerSecond rows / full wall time
   * @param inferenceRowsPerSecond the job's own rowsPerSecond (featurise + infer)
   * @param changed products rescored after 1% of the titles changed
   * @param incrementalSeconds wall time of that run
   * @param speedup full / incremental wall time
   * @param rerunSeconds wall time of the no-change rerun
   * @param networkLoads network deserialisations in the full run (0 for MLlib)
   */
  public record ModelRun(String model, long rows, double fullSeconds, double fullRowsPerSecond,
      double inferenceRowsPerSecond, long changed, double incrementalSeconds, double speedup, double rerunSeconds,
      long networkLoads) {}

  /**
   * @param job always {@code bench-score}
   * @param master Spark master
   * @param cores cores available
   * @param runs one entry per model
   * @param networkRestoreMillis time to restore the fusion network from its bytes (once per executor JVM)
   * @param forwardRowsPerSecond baseline: the fusion network's forward pass alone, one thread, on real
   *     feature rows already in memory as tensors ({@code score.batch-size} per batch)
   * @param peakHeapMiB the old generation's largest occupancy over this JVM's life (driver and
   *     executor in local mode; the two trainings before the score runs included), garbage not yet
   *     collected included; 0 under a collector without an old-generation pool (ZGC, Shenandoah).
   *     The sum of every heap pool's own peak, printed before, added peaks of different moments and
   *     could exceed the limit.
   * @param maxHeapMiB the heap limit, within which every run completed
   */
  public record Result(String job, String master, int cores, List<ModelRun> runs, double networkRestoreMillis,
      double forwardRowsPerSecond, long peakHeapMiB, long maxHeapMiB) implements StageResult {}

  private final CatalogConfig config;
  private final Function<List<String>, CatalogConfig> configs;
  private final Path scratch;
  private final long rows;
  private final long fusionRows;
  private final PrintStream table;

  /**
   * @param configs the user's configuration with further overrides applied last
   * @param rows catalogue size for the MLlib baseline
   * @param fusionRows catalogue size for the fusion network
   */
  public ScoreBenchmark(Function<List<String>, CatalogConfig> configs, Path scratch, long rows, long fusionRows,
      PrintStream table) {
    this.configs = configs;
    this.config = configs.apply(List.of());
    this.scratch = scratch;
    this.rows = rows;
    this.fusionRows = fusionRows;
    this.table = table;
  }

  @Override
  public Result execute() {
    SparkSession spark = SparkSessions.create(config.spark(), "bench-score");
    try {
      CatalogConfig base = with("sample");
      new IngestStage(spark, base).execute();
      new PreprocessStage(spark, base, false).execute();
      String logreg = train(spark, with("sample", "model.type=mllib-logreg")).modelPath();
      String fusion = train(spark, with("sample", "model.type=dl4j", "model.mode=fusion", "train.epochs=1",
          "train.patience=0", "train.workers=1")).modelPath();
      List<ModelRun> runs = new ArrayList<>();
      runs.add(run(spark, base, "mllib-logreg", logreg, rows));
      // The shipped train.blend-baseline packages the network with the baseline; the row says which was scored.
      boolean blended = ModelPackage.read(Path.of(fusion)).blend() != null;
      runs.add(run(spark, base, blended ? "dl4j fusion + baseline" : "dl4j fusion", fusion, fusionRows));
      double restore = restoreMillis(fusion);
      double forward = forwardRowsPerSecond(spark, base, fusion);
      long peak = 0;
      for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
        if (pool.getType() == MemoryType.HEAP && (pool.getName().contains("Old") || pool.getName().contains("Tenured"))) {
          peak = Math.max(peak, pool.getPeakUsage().getUsed());
        }
      }
      Result r = new Result("bench-score", spark.sparkContext().master(), Runtime.getRuntime().availableProcessors(),
          runs, restore, forward, peak >> 20, Runtime.getRuntime().maxMemory() >> 20);
      print(r);
      return r;
    } finally {
      spark.stop();
    }
  }

  /** The user's configuration with its lake (and local store and checkpoints) under {@code scratch/name}. */
  private CatalogConfig with(String name, String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "lake.root=" + scratch.resolve(name).resolve("lake"),
        "tracking.local-dir=" + scratch.resolve("mlruns"),
        "train.checkpoint-dir=" + scratch.resolve("checkpoints")));
    all.addAll(List.of(overrides));
    return configs.apply(all);
  }

  private TrainResult train(SparkSession spark, CatalogConfig c) {
    try (Tracker tracker = Trackers.open(c.tracking()); TrackedRun run = tracker.startRun("catalog-ml/bench", "train")) {
      TrainResult r = new TrainStage(spark, c, run, tracker.registry(), false).execute();
      run.end(TrackedRun.RunStatus.FINISHED, null);
      return r;
    }
  }

  private ModelRun run(SparkSession spark, CatalogConfig base, String name, String model, long n) {
    CatalogConfig big = with(name.replace(' ', '-'));
    Lake lake = Lake.of(big);
    Dataset<Row> sample = spark.read().format("delta").load(Lake.of(base).products());
    long copies = (n + sample.count() - 1) / sample.count();
    Dataset<Row> catalogue = sample.crossJoin(spark.range(copies).withColumnRenamed("id", "_copy"))
        .withColumn("product_id", concat(col("product_id"), lit("-"), col("_copy").cast("string")))
        .withColumn("title", concat_ws(" ", col("title"),
            element_at(split(lit(String.join(",", VARIANTS)), ","), pmod(col("_copy"), lit(VARIANTS.length)).plus(1).cast("int"))))
        .drop("_copy").limit((int) n);
    catalogue = rehash(catalogue);
    catalogue.write().format("delta").mode("overwrite").save(lake.products());
    ScoreResult full = score(spark, big, model, false);
    // 1% of the titles change, then their hashes follow as ingest computes them (two Delta UPDATEs).
    DeltaTable products = DeltaTable.forPath(spark, lake.products());
    org.apache.spark.sql.Column onePercent = pmod(xxhash64(col("product_id")), lit(100)).equalTo(0);
    products.update(onePercent, java.util.Map.of("title", concat(col("title"), lit(" Edition"))));
    products.update(onePercent, java.util.Map.of("content_hash", ProductTables.contentHash()));
    products.update(onePercent, java.util.Map.of("record_hash", ProductTables.recordHash()));
    ScoreResult changed = score(spark, big, model, false);
    ScoreResult rerun = score(spark, big, model, false);
    return new ModelRun(name, full.products(), full.seconds(), full.products() / full.seconds(), full.rowsPerSecond(),
        changed.scored() + changed.quarantined(), changed.seconds(), full.seconds() / changed.seconds(),
        rerun.seconds(), full.networkLoads());
  }

  private static Dataset<Row> rehash(Dataset<Row> rows) {
    return rows.withColumn("content_hash", ProductTables.contentHash())
        .withColumn("record_hash", ProductTables.recordHash());
  }

  private static ScoreResult score(SparkSession spark, CatalogConfig c, String model, boolean full) {
    try (Tracker tracker = Trackers.open(c.tracking()); TrackedRun run = tracker.startRun("catalog-ml/bench", "score")) {
      ScoreResult r = new ScoreStage(spark, c, run, tracker.registry(), model, full).execute();
      run.end(TrackedRun.RunStatus.FINISHED, null);
      return r;
    }
  }

  private static double restoreMillis(String folder) {
    byte[] bytes = Predictor.bytes(ModelPackage.read(Path.of(folder)).network());
    Predictor.restore(bytes);
    long t = System.nanoTime();
    for (int i = 0; i < 5; i++) {
      Predictor.restore(bytes);
    }
    return (System.nanoTime() - t) / 5e6;
  }

  /** The network alone: real feature rows of the drop as tensors, one thread, best of three passes after a warm-up. */
  private double forwardRowsPerSecond(SparkSession spark, CatalogConfig base, String folder) {
    ModelPackage pkg = ModelPackage.read(Path.of(folder));
    ModelFeatures.Inputs inputs = ModelFeatures.read(spark, Lake.of(base), base.preprocess());
    List<Row> rows = ModelFeatures.of(inputs.products(), null, pkg, inputs.productsVersion(), "bench",
        new java.sql.Timestamp(0)).collectAsList();
    List<FeatureBatches.Inputs> batches = new ArrayList<>();
    int size = config.score().batchSize();
    for (int i = 0; i < rows.size(); i += size) {
      batches.add(FeatureBatches.inputs(rows.subList(i, Math.min(rows.size(), i + size)), pkg.spec()));
    }
    ComputationGraph net = pkg.network();
    double best = Double.MAX_VALUE;
    for (int pass = 0; pass < 4; pass++) {
      long t = System.nanoTime();
      for (FeatureBatches.Inputs in : batches) {
        net.output(false, in.features(), in.masks());
      }
      double seconds = (System.nanoTime() - t) / 1e9;
      if (pass > 0) {
        best = Math.min(best, seconds);
      }
    }
    return rows.size() / best;
  }

  private void print(Result r) {
    table.printf(Locale.ROOT, "score benchmark: master %s, %d cores; every run within a %d MiB heap, old generation "
        + "at most %d MiB; fusion network restored from its bytes in %.0f ms (once per executor JVM); its forward pass "
        + "alone, one thread, tensors in memory: %.0f rows/s%n", r.master(), r.cores(), r.maxHeapMiB(),
        r.peakHeapMiB(), r.networkRestoreMillis(), r.forwardRowsPerSecond());
    table.println("| model | products | full run s | full rows/s | featurise+infer rows/s | 1% changed: rescored | "
        + "1% run s | full / 1% | no-change rerun s | network loads |");
    table.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    for (ModelRun m : r.runs()) {
      table.printf(Locale.ROOT, "| %s | %d | %.1f | %.0f | %.0f | %d | %.1f | %.1f× | %.1f | %d |%n", m.model(), m.rows(),
          m.fullSeconds(), m.fullRowsPerSecond(), m.inferenceRowsPerSecond(), m.changed(), m.incrementalSeconds(),
          m.speedup(), m.rerunSeconds(), m.networkLoads());
    }
  }
}
