package io.catalogml.bench;

import static org.apache.spark.sql.functions.col;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Stage;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.FeatureTables;
import io.catalogml.preprocess.text.TextPipeline;
import io.delta.tables.DeltaTable;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.preprocess.TitleGroups;
import io.catalogml.spark.SparkSessions;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import io.catalogml.config.ModelSettings;
import io.catalogml.train.NetworkFactory;
import io.catalogml.train.SparkTrainer;
import io.catalogml.config.TrainSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Distributed training throughput: examples/s of one epoch per model mode and training master,
 * on {@code local[1]} and {@code local[2]}, and the scaling ratio between them. The drop is
 * ingested and preprocessed once (not timed); each cell trains a fresh network for one warm-up
 * epoch on a small slice, then times one epoch over the first {@code examples} training rows.
 */
public final class TrainBenchmark implements Stage<TrainBenchmark.Result> {
  /**
   * One measured cell.
   *
   * @param mode network inputs
   * @param master training master
   * @param cores Spark local cores (= workers)
   * @param examples examples in the timed epoch
   * @param batch minibatch per worker, as the train job chooses it for these examples and workers
   * @param seconds wall time of the timed epoch
   * @param examplesPerSecond examples / seconds
   */
  public record Cell(String mode, String master, int cores, long examples, int batch, double seconds,
      double examplesPerSecond) {}

  /**
   * The benchmark's numbers.
   *
   * @param job always {@code bench-train}
   * @param cells every measured cell
   * @param scaling examples/s on the most cores divided by examples/s on 1, per {@code mode/master}
   */
  public record Result(String job, List<Cell> cells, Map<String, Double> scaling) implements StageResult {}

  // Sharing cells last, on every core count: DL4J 1.0.0-M2 leaves gradient-sharing state in the JVM
  // that corrupts networks trained after it (see SparkTrainer.sharingUsedInThisJvm).
  private static final String[][] AVERAGING = {{"text", "averaging"}, {"image", "averaging"}, {"fusion", "averaging"}};
  private static final String[][] SHARING = {{"text", "sharing"}, {"fusion", "sharing"}};
  private static final String[][] RUNS = {AVERAGING[0], AVERAGING[1], AVERAGING[2], SHARING[0], SHARING[1]};

  private final CatalogConfig config;
  private final int examples;
  private final List<Integer> cores;
  private final PrintStream table;

  public TrainBenchmark(CatalogConfig config, int examples, List<Integer> cores, PrintStream table) {
    this.config = config;
    this.examples = examples;
    this.cores = cores;
    this.table = table;
  }

  @Override
  public Result execute() {
    SparkSession prep = SparkSessions.create(config.spark(), "bench-train");
    new IngestStage(prep, config).execute();
    new PreprocessStage(prep, config, false).execute();
    prep.stop();
    List<Cell> cells = new ArrayList<>();
    table.println("| mode | master | cores | examples | batch | epoch s | examples/s |");
    table.println("|---|---|---:|---:|---:|---:|---:|");
    for (String[][] phase : new String[][][] {AVERAGING, SHARING}) {
      cells.addAll(phase(phase));
    }
    return summary(cells);
  }

  private List<Cell> phase(String[][] runs) {
    List<Cell> cells = new ArrayList<>();
    for (int n : cores) {
      SparkSession spark = SparkSessions.withDelta("catalog-ml-bench-train").master("local[" + n + "]")
          .config("spark.ui.enabled", "false")
          .config("spark.sql.shuffle.partitions", Integer.toString(Math.max(2, n)))
          .getOrCreate();
      try {
        String location = Lake.of(config).features();
        Dataset<Row> features = FeatureTables.read(spark, location, DeltaTables.version(DeltaTable.forPath(spark,
            location)));
        Dataset<Row> train = features.where(col("split").equalTo(TitleGroups.TRAIN).and(col("label").isNotNull()))
            .orderBy("product_id").limit(examples).cache();
        Dataset<Row> warmup = train.limit(Math.min(256, examples));
        LabelMap labels = LabelMap.of(features.where(col("label").isNotNull()).select("label").distinct()
            .collectAsList().stream().map(r -> r.getString(0)).toList());
        // The pipeline of the first row: the networks read what train would give them (subword ids included).
        TextPipeline text = PreprocessStage.storedPipeline(spark, location,
            features.select("text_pipeline_id").head().getString(0));
        long count = train.count();
        for (String[] run : runs) {
          Cell cell = measure(spark, run[0], run[1], n, train, warmup, count, labels, text);
          cells.add(cell);
          table.printf(Locale.ROOT, "| %s | %s | %d | %d | %d | %.1f | %.1f |%n", cell.mode(), cell.master(), n,
              cell.examples(), cell.batch(), cell.seconds(), cell.examplesPerSecond());
        }
      } finally {
        spark.stop();
      }
    }
    return cells;
  }

  private Result summary(List<Cell> cells) {
    Map<String, Double> scaling = new LinkedHashMap<>();
    int most = cores.stream().mapToInt(Integer::intValue).max().orElse(1);
    for (String[] run : RUNS) {
      double one = rate(cells, run, 1);
      double many = rate(cells, run, most);
      if (one > 0 && many > 0 && most > 1) {
        scaling.put(run[0] + "/" + run[1], many / one);
      }
    }
    table.println();
    table.println("| mode | master | scaling local[1] → local[" + most + "] |");
    table.println("|---|---|---:|");
    scaling.forEach((k, v) -> table.printf(Locale.ROOT, "| %s | %s | %.2f× |%n", k.split("/")[0], k.split("/")[1], v));
    return new Result("bench-train", cells, scaling);
  }

  private Cell measure(SparkSession spark, String mode, String master, int n, Dataset<Row> train, Dataset<Row> warmup,
      long count, LabelMap labels, TextPipeline text) {
    ModelSettings model = config.model().dl4jNetwork(ModelSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
    TrainSettings t = config.train();
    TrainSettings settings = new TrainSettings(TrainSettings.Master.valueOf(master.toUpperCase(Locale.ROOT)),
        1, t.batchSize(), t.learningRate(), t.seed(), 0, n, t.workersPerExecutor(), t.averagingFrequency(), t.prefetchBatches(),
        t.sharingThreshold(), io.catalogml.core.Ports.free(), t.sharingWorkerPort(),
        t.sharingJoinTimeout(), t.sharingController(), t.sharingNetworkMask(), t.checkpointDir(),
        t.logreg(), false, t.scaleLearningRate(), t.minBatchSize(), t.minSteps()).forTrainingSet(count, n);
    InputSpec spec = InputSpec.network(model, text, config.preprocess().image().width(),
        config.preprocess().image().height(), "bench");
    ComputationGraph net = NetworkFactory.build(model, spec, labels.size(), settings.learningRateFor(n), settings.seed(),
        null);
    String work = Path.of(System.getProperty("java.io.tmpdir"), "catalog-ml-bench-train").toUri().toString();
    try (SparkTrainer warm = new SparkTrainer(spark, net, settings, spec, labels, warmup, n, work)) {
      net = warm.fitEpoch(1);
    }
    try (SparkTrainer timed = new SparkTrainer(spark, net, settings, spec, labels, train, n, work)) {
      long t0 = System.nanoTime();
      timed.fitEpoch(2);
      double seconds = (System.nanoTime() - t0) / 1e9;
      return new Cell(mode, master, n, count, settings.batchSize(), seconds, count / seconds);
    }
  }

  private static double rate(List<Cell> cells, String[] run, int n) {
    return cells.stream().filter(c -> c.mode().equals(run[0]) && c.master().equals(run[1]) && c.cores() == n)
        .mapToDouble(Cell::examplesPerSecond).findFirst().orElse(0);
  }
}
