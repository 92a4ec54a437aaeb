package io.catalogml.bench;

import static org.apache.spark.sql.functions.col;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
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
import io.catalogml.train.EpochTrainer;
import io.catalogml.config.TrainSettings;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * Distributed training throughput: examples/s of an epoch per model mode and training master (the
 * Spark masters, and the averaging threads of {@code train.master = threads}),
 * on {@code local[1]} and {@code local[2]}, and the scaling ratio between them. The drop is
 * ingested and preprocessed once (not timed); each cell trains a fresh network for one warm-up
 * epoch on a small slice, then times epochs over the first {@code examples} training rows and
 * reports the median. With both Spark serialisers, every cell is measured with each (Kryo with
 * the project's registrator, as the jobs run, against Spark's Java serialiser) in the same run.
 */
public final class TrainBenchmark implements Stage<TrainBenchmark.Result> {
  /**
   * One measured cell.
   *
   * @param mode network inputs
   * @param master training master
   * @param serializer Spark serialiser: {@code kryo} (the jobs' default) or {@code java}
   * @param cores Spark local cores (= workers)
   * @param examples examples in the timed epoch
   * @param batch minibatch per worker, as the train job chooses it for these examples and workers
   * @param firstSeconds wall time of the first timed epoch, which also reads and caches the rows
   * @param seconds the median wall time of the cell's timed epochs
   * @param examplesPerSecond examples / seconds
   */
  public record Cell(String mode, String master, String serializer, int cores, long examples, int batch,
      double firstSeconds, double seconds, double examplesPerSecond) {}

  /**
   * The benchmark's numbers.
   *
   * @param job always {@code bench-train}
   * @param cells every measured cell
   * @param scaling examples/s on the most cores divided by examples/s on 1, per {@code mode/master/serializer}
   * @param targetsMet per mode, whether its fastest master on {@code local[2]} reached {@link #TARGETS}
   */
  public record Result(String job, List<Cell> cells, Map<String, Double> scaling, Map<String, Boolean> targetsMet)
      implements StageResult {}

  /** Examples/s an epoch on {@code local[2]} that each mode should reach (the training-speed issue). */
  static final Map<String, Integer> TARGETS = orderedTargets();

  private static Map<String, Integer> orderedTargets() {
    Map<String, Integer> t = new LinkedHashMap<>();
    t.put("text", 10_000);
    t.put("image", 2_000);
    t.put("fusion", 2_000);
    return t;
  }

  // Sharing cells last, on every core count: DL4J 1.0.0-M2 leaves gradient-sharing state in the JVM
  // that corrupts networks trained after it (see SparkTrainer.sharingUsedInThisJvm).
  private static final String[][] AVERAGING = {{"text", "averaging"}, {"image", "averaging"}, {"fusion", "averaging"},
      {"text", "threads"}, {"image", "threads"}, {"fusion", "threads"}};
  private static final String[][] SHARING = {{"text", "sharing"}, {"fusion", "sharing"}};
  private static final String[][] RUNS = java.util.stream.Stream.concat(Arrays.stream(AVERAGING), Arrays.stream(SHARING))
      .toArray(String[][]::new);
  private static final Map<String, String> SERIALIZERS = Map.of(
      "kryo", SparkSessions.KRYO, "java", "org.apache.spark.serializer.JavaSerializer");

  private final CatalogConfig config;
  private final int examples;
  private final int epochs;
  private final List<Integer> cores;
  private final List<String> serializers;
  private final PrintStream table;

  /**
   * Times {@code epochs} epochs of {@code examples} per cell (the median is reported) on each of
   * {@code cores}, with each of {@code serializers} (kryo, java).
   */
  public TrainBenchmark(CatalogConfig config, int examples, int epochs, List<Integer> cores, List<String> serializers,
      PrintStream table) {
    if (epochs < 1) {
      throw CatalogErrors.badBenchOption("train", "--epochs", Integer.toString(epochs), "at least 1");
    }
    for (String serializer : serializers) {
      if (!SERIALIZERS.containsKey(serializer)) {
        throw CatalogErrors.badBenchOption("train", "--serializers", serializer,
            "kryo, java, or both comma-separated");
      }
    }
    this.config = config;
    this.examples = examples;
    this.epochs = epochs;
    this.cores = cores;
    this.serializers = serializers;
    this.table = table;
  }

  @Override
  public Result execute() {
    SparkSession prep = SparkSessions.create(config.spark(), "bench-train");
    new IngestStage(prep, config).execute();
    new PreprocessStage(prep, config, false).execute();
    prep.stop();
    List<Cell> cells = new ArrayList<>();
    table.println("| mode | master | serialiser | cores | examples | batch | first epoch s | median epoch s | examples/s |");
    table.println("|---|---|---|---:|---:|---:|---:|---:|---:|");
    for (String[][] phase : new String[][][] {AVERAGING, SHARING}) {
      for (String serializer : serializers) {
        // The threads cells serialise nothing: measured with the first serialiser only.
        String[][] runs = serializer.equals(serializers.get(0)) ? phase
            : Arrays.stream(phase).filter(run -> !run[1].equals("threads")).toArray(String[][]::new);
        cells.addAll(phase(runs, serializer));
      }
    }
    return summary(cells);
  }

  private List<Cell> phase(String[][] runs, String serializer) {
    List<Cell> cells = new ArrayList<>();
    for (int n : cores) {
      SparkSession spark = SparkSessions.withDelta("catalog-ml-bench-train").master("local[" + n + "]")
          .config("spark.serializer", SERIALIZERS.get(serializer))
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
          Cell cell = measure(spark, run[0], run[1], serializer, n, train, warmup, count, labels, text);
          cells.add(cell);
          table.printf(Locale.ROOT, "| %s | %s | %s | %d | %d | %d | %.2f | %.2f | %.1f |%n", cell.mode(), cell.master(),
              serializer, n,
              cell.examples(), cell.batch(), cell.firstSeconds(), cell.seconds(), cell.examplesPerSecond());
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
    for (String serializer : serializers) {
      for (String[] run : RUNS) {
        double one = rate(cells, run, serializer, 1);
        double many = rate(cells, run, serializer, most);
        if (one > 0 && many > 0 && most > 1) {
          scaling.put(run[0] + "/" + run[1] + "/" + serializer, many / one);
        }
      }
    }
    if (!scaling.isEmpty()) {
      table.println();
      table.println("| mode | master | serialiser | scaling local[1] → local[" + most + "] |");
      table.println("|---|---|---|---:|");
    }
    scaling.forEach((k, v) -> table.printf(Locale.ROOT, "| %s | %s | %s | %.2f× |%n", k.split("/")[0], k.split("/")[1],
        k.split("/")[2], v));
    if (serializers.containsAll(SERIALIZERS.keySet())) {
      table.println();
      table.println("| mode | master | cores | kryo / java (median epochs) |");
      table.println("|---|---|---:|---:|");
      for (String[] run : RUNS) {
        for (int n : cores) {
          double kryo = rate(cells, run, "kryo", n);
          double java = rate(cells, run, "java", n);
          if (kryo > 0 && java > 0) {
            table.printf(Locale.ROOT, "| %s | %s | %d | %.2f× |%n", run[0], run[1], n, kryo / java);
          }
        }
      }
    }
    Map<String, Boolean> targets = targets(cells);
    return new Result("bench-train", cells, scaling, targets);
  }

  private Cell measure(SparkSession spark, String mode, String master, String serializer, int n, Dataset<Row> train, Dataset<Row> warmup,
      long count, LabelMap labels, TextPipeline text) {
    ModelSettings model = config.model().dl4jNetwork(ModelSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
    TrainSettings t = config.train();
    TrainSettings settings = new TrainSettings(TrainSettings.Master.valueOf(master.toUpperCase(Locale.ROOT)),
        1, t.batchSize(), t.learningRate(), t.seed(), 0, n, t.workersPerExecutor(), t.averagingFrequency(), t.prefetchBatches(),
        t.sharingThreshold(), io.catalogml.core.Ports.free(), t.sharingWorkerPort(),
        t.sharingJoinTimeout(), t.sharingController(), t.sharingNetworkMask(), t.checkpointDir(),
        t.logreg(), false, false, t.scaleLearningRate(), t.minBatchSize(), t.minSteps(), t.weightDecay(), t.labelSmoothing(),
        io.catalogml.train.TrainingTargets.mixupApplies(model.mode()) ? t.mixup() : 0, java.util.List.of(),
        TrainSettings.RateDecay.NONE, model.mode() == io.catalogml.config.ModelSettings.Mode.FUSION ? t.drop()
            : TrainSettings.ModalityDropout.NONE, model.mode().usesImage() ? t.shift() : 0)
        .forTrainingSet(count, n);
    InputSpec spec = InputSpec.network(model, text, config.preprocess().image().width(),
        config.preprocess().image().height(), "bench");
    ComputationGraph net = NetworkFactory.build(model, spec, labels.size(), settings.learningRateFor(n),
        settings.weightDecay(), settings.seed(), null);
    String work = Path.of(System.getProperty("java.io.tmpdir"), "catalog-ml-bench-train").toUri().toString();
    try (EpochTrainer warm = EpochTrainer.create(spark, net, settings, spec, labels, warmup, n, work)) {
      net = warm.fitEpoch(1);
    }
    try (EpochTrainer timed = EpochTrainer.create(spark, net, settings, spec, labels, train, n, work)) {
      double[] seconds = new double[epochs];
      for (int e = 0; e < epochs; e++) {
        long t0 = System.nanoTime();
        timed.fitEpoch(2 + e);
        seconds[e] = (System.nanoTime() - t0) / 1e9;
      }
      double first = seconds[0];
      Arrays.sort(seconds);
      double median = epochs % 2 == 1 ? seconds[epochs / 2] : (seconds[epochs / 2 - 1] + seconds[epochs / 2]) / 2;
      return new Cell(mode, master, serializer, n, count, settings.batchSize(), first, median, count / median);
    }
  }

  /**
   * The speed targets on {@code local[2]} (examples/s an epoch: text 10,000, image 2,000, fusion 2,000)
   * against the fastest master of each mode, printed as a table; empty without 2-core cells.
   */
  private Map<String, Boolean> targets(List<Cell> cells) {
    Map<String, Boolean> met = new LinkedHashMap<>();
    if (cells.stream().noneMatch(c -> c.cores() == 2)) {
      return met;
    }
    table.println();
    table.println("| mode | target on local[2], examples/s | fastest master | examples/s | met |");
    table.println("|---|---:|---|---:|---|");
    TARGETS.forEach((mode, target) -> cells.stream().filter(c -> c.cores() == 2 && c.mode().equals(mode))
        .max(java.util.Comparator.comparingDouble(Cell::examplesPerSecond)).ifPresent(best -> {
          met.put(mode, best.examplesPerSecond() >= target);
          table.printf(Locale.ROOT, "| %s | %,d | %s (%s) | %,.0f | %s |%n", mode, target, best.master(),
              best.serializer(), best.examplesPerSecond(), best.examplesPerSecond() >= target ? "yes" : "no");
        }));
    return met;
  }

  private static double rate(List<Cell> cells, String[] run, String serializer, int n) {
    return cells.stream().filter(c -> c.mode().equals(run[0]) && c.master().equals(run[1])
            && c.serializer().equals(serializer) && c.cores() == n)
        .mapToDouble(Cell::examplesPerSecond).findFirst().orElse(0);
  }
}
