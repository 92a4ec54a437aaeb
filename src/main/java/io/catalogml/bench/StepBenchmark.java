package io.catalogml.bench;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ModelSettings;
import io.catalogml.config.Setting;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.core.StageResult;
import io.catalogml.model.Dl4jRuntime;
import io.catalogml.model.FeatureBatches;
import io.catalogml.model.InputSpec;
import io.catalogml.train.NetworkFactory;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.CustomOp;
import org.nd4j.linalg.api.ops.Op;
import org.nd4j.linalg.api.ops.executioner.OpExecutioner;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.profiler.OpProfiler;
import org.nd4j.linalg.profiler.data.StringAggregator;

/**
 * One DL4J training step in one JVM, without Spark: milliseconds per {@code ComputationGraph.fit}
 * of one minibatch ({@code train.batch-size}) for each network mode, with DL4J's built-in layers and
 * with the oneDNN layer helpers ({@link Dl4jRuntime}), and for a network with an embedding bag once more with
 * its text branch as a dense layer over the ids' frequencies (the baseline of {@link io.catalogml.model.EmbeddingBag}),
 * on random inputs of the configured shapes
 * (token ids, subword ids when {@code preprocess.text.subword-buckets} and
 * {@code model.text.max-subword-tokens} are both above 0, image size, classes). With {@code profile}, a second pass times every ND4J op
 * ({@code OpProfiler}) and prints where a step's time goes, op by op, and how much of it is
 * outside ND4J's ops (DL4J's Java code between them).
 */
public final class StepBenchmark implements Stage<StepBenchmark.Result> {
  /**
   * One measured cell.
   *
   * @param mode network inputs
   * @param layers {@code builtin} (DL4J's own im2col path), {@code onednn} (layer helpers), or
   *     {@code onednn, frequency bag}: the text branch reads the ids' frequencies over the whole vocabulary through
   *     a dense layer, as before {@link io.catalogml.model.EmbeddingBag} (the baseline of its speed-up)
   * @param threads ND4J threads
   * @param batch examples per step
   * @param msPerStep mean wall time of one step
   * @param examplesPerSecond batch / step time
   */
  public record Cell(String mode, String layers, int threads, int batch, double msPerStep, double examplesPerSecond) {}

  /**
   * One op's share of a profiled step.
   *
   * @param mode network inputs
   * @param layers as in {@link Cell}
   * @param op ND4J op name, or {@code (outside ops)} for the step time no op accounts for
   * @param callsPerStep calls per step
   * @param msPerStep milliseconds per step in this op
   */
  public record OpShare(String mode, String layers, String op, double callsPerStep, double msPerStep) {}

  /**
   * The benchmark's numbers.
   *
   * @param job always {@code bench-step}
   * @param cells every measured cell
   * @param speedup onednn examples/s over builtin examples/s, per mode
   * @param bagSpeedup onednn examples/s over the frequency bag's, per mode with an embedding bag
   * @param profile per-op shares (empty without {@code profile})
   */
  public record Result(String job, List<Cell> cells, Map<String, Double> speedup, Map<String, Double> bagSpeedup,
      List<OpShare> profile)
      implements StageResult {}

  private static final int WARMUP = 10;
  /** Output classes: the fashion catalogue's articleType task. */
  private static final int CLASSES = 130;
  /** Ops listed by name per cell; the rest are summed as {@code (other ops)}. */
  private static final int TOP_OPS = 8;
  /** The layers of the baseline cell: the text branch as a dense layer over id frequencies. */
  static final String FREQUENCIES = "onednn, frequency bag";

  private final CatalogConfig config;
  private final List<ModelSettings.Mode> modes;
  private final int steps;
  private final int vocabulary;
  private final boolean profile;
  private final PrintStream table;

  /**
   * @param modes network modes to measure ({@code text}, {@code image}, {@code fusion})
   * @param steps timed steps per cell (after {@value #WARMUP} untimed ones)
   * @param vocabulary token vocabulary size of the embedding (the fashion catalogue's is about 5,300)
   */
  public StepBenchmark(CatalogConfig config, List<String> modes, int steps, int vocabulary, boolean profile,
      PrintStream table) {
    List<ModelSettings.Mode> parsed = new ArrayList<>();
    for (String mode : modes) {
      if (!List.of("text", "image", "fusion").contains(mode)) {
        throw CatalogErrors.badBenchOption("step", "--modes", mode, "text, image or fusion, comma-separated");
      }
      parsed.add(ModelSettings.Mode.valueOf(mode.toUpperCase(Locale.ROOT)));
    }
    if (steps < 1) {
      throw CatalogErrors.badBenchOption("step", "--steps", Integer.toString(steps), "at least 1");
    }
    if (vocabulary < 3) {
      throw CatalogErrors.badBenchOption("step", "--vocabulary", Integer.toString(vocabulary),
          "at least 3 (ids 0 and 1 are padding and the unknown word)");
    }
    this.config = config;
    this.modes = List.copyOf(parsed);
    this.steps = steps;
    this.vocabulary = vocabulary;
    this.profile = profile;
    this.table = table;
  }

  @Override
  public Result execute() {
    List<Cell> cells = new ArrayList<>();
    List<OpShare> shares = new ArrayList<>();
    int threads = Nd4j.getEnvironment().maxThreads();
    int batch = config.train().batchSize();
    table.println("| mode | layers | threads | batch | ms/step | examples/s |");
    table.println("|---|---|---:|---:|---:|---:|");
    for (ModelSettings.Mode m : modes) {
      String mode = Setting.configName(m);
      List<String> variants = new ArrayList<>(List.of("builtin", "onednn"));
      if (spec(m, true).idBag()) {
        variants.add(FREQUENCIES);
      }
      for (String layers : variants) {
        boolean ids = !layers.equals(FREQUENCIES);
        ComputationGraph net = Dl4jRuntime.withHelpers(!layers.equals("builtin"), () -> network(m, ids));
        if (layers.equals("onednn") && m.usesImage()
            && !(net.getLayer("conv0") instanceof ConvolutionLayer c && c.getHelper() != null)) {
          table.println("| " + mode + " | (no oneDNN in this ND4J build: the next row ran the built-in layers) | | | | |");
        }
        MultiDataSet batchData = randomBatch(m, batch, ids);
        for (int i = 0; i < WARMUP; i++) {
          net.fit(batchData);
        }
        double ms = timeSteps(net, batchData);
        Cell cell = new Cell(mode, layers, threads, batch, ms, batch * 1000.0 / ms);
        cells.add(cell);
        table.printf(Locale.ROOT, "| %s | %s | %d | %d | %.1f | %.0f |%n", mode, layers, threads, batch, ms,
            cell.examplesPerSecond());
        if (profile) {
          shares.addAll(profileSteps(net, batchData, mode, layers));
        }
      }
    }
    Map<String, Double> speedup = new LinkedHashMap<>();
    for (ModelSettings.Mode m : modes) {
      String mode = Setting.configName(m);
      speedup.put(mode, rate(cells, mode, "onednn") / rate(cells, mode, "builtin"));
    }
    table.println();
    table.println("| mode | oneDNN layers vs built-in |");
    table.println("|---|---:|");
    speedup.forEach((mode, x) -> table.printf(Locale.ROOT, "| %s | %.2f× |%n", mode, x));
    Map<String, Double> bagSpeedup = new LinkedHashMap<>();
    for (ModelSettings.Mode m : modes) {
      String mode = Setting.configName(m);
      if (!Double.isNaN(rate(cells, mode, FREQUENCIES))) {
        bagSpeedup.put(mode, rate(cells, mode, "onednn") / rate(cells, mode, FREQUENCIES));
      }
    }
    if (!bagSpeedup.isEmpty()) {
      table.println();
      table.println("| mode | embedding bag from ids vs frequency bag (both oneDNN) |");
      table.println("|---|---:|");
      bagSpeedup.forEach((mode, x) -> table.printf(Locale.ROOT, "| %s | %.2f× |%n", mode, x));
    }
    if (profile) {
      printProfile(shares);
    }
    return new Result("bench-step", cells, speedup, bagSpeedup, shares);
  }

  private ComputationGraph network(ModelSettings.Mode mode, boolean ids) {
    ModelSettings model = config.model().dl4jNetwork(mode);
    return NetworkFactory.build(model, spec(mode, ids), CLASSES, config.train().learningRate(), config.train().seed(),
        null);
  }

  /** The spec a network of the mode reads; with {@code ids} false, a bag comes as frequencies (the baseline). */
  private InputSpec spec(ModelSettings.Mode mode, boolean ids) {
    ModelSettings model = config.model().dl4jNetwork(mode);
    boolean pool = mode.usesText() && model.textEncoder() == ModelSettings.TextEncoder.POOL;
    return new InputSpec(mode, model.maxTokens(), vocabulary + buckets(), config.preprocess().image().width(),
        config.preprocess().image().height(), "bench", "bench", subwordTokens(), pool, pool && ids);
  }

  private int buckets() {
    return config.preprocess().text().subwordBuckets();
  }

  /** Subword slots of the network: none unless the pipeline has buckets and the model reads them. */
  private int subwordTokens() {
    return buckets() > 0 ? config.model().subwordTokens() : 0;
  }

  private MultiDataSet randomBatch(ModelSettings.Mode m, int batch, boolean asIds) {
    Random random = new Random(config.train().seed());
    int tokens = config.model().maxTokens();
    int subwords = subwordTokens();
    List<INDArray> features = new ArrayList<>();
    List<INDArray> masks = new ArrayList<>();
    if (m.usesText()) {
      float[][] ids = new float[batch][tokens + subwords];
      float[][] mask = new float[batch][tokens + subwords];
      for (int i = 0; i < batch; i++) {
        int n = 4 + random.nextInt(Math.max(1, Math.min(tokens, 24) - 4));
        for (int t = 0; t < n; t++) {
          ids[i][t] = 2 + random.nextInt(vocabulary - 2);
          mask[i][t] = 1;
        }
        // About 7 subword ids per word and bigram id (fashion: a median of 102 subword ids to 9 word ids).
        for (int t = 0; t < Math.min(subwords, 7 * n); t++) {
          ids[i][tokens + t] = vocabulary + random.nextInt(buckets());
          mask[i][tokens + t] = 1;
        }
      }
      InputSpec spec = spec(m, asIds);
      if (spec.idBag()) {
        features.add(FeatureBatches.idBags(Nd4j.create(ids), Nd4j.create(mask)));
        masks.add(null);
      } else if (spec.bag()) {
        features.add(FeatureBatches.bags(Nd4j.create(ids), Nd4j.create(mask), vocabulary + buckets()));
        masks.add(null);
      } else {
        features.add(Nd4j.create(ids));
        masks.add(Nd4j.create(mask));
      }
    }
    if (m.usesImage()) {
      int h = config.preprocess().image().height();
      int w = config.preprocess().image().width();
      features.add(Nd4j.rand(DataType.FLOAT, batch, 3, h, w).subi(0.5));
      masks.add(null);
      features.add(Nd4j.ones(DataType.FLOAT, batch, 1));
      masks.add(null);
    }
    float[][] labels = new float[batch][CLASSES];
    for (int i = 0; i < batch; i++) {
      labels[i][random.nextInt(CLASSES)] = 1;
    }
    return new MultiDataSet(features.toArray(INDArray[]::new), new INDArray[] {Nd4j.create(labels)},
        masks.toArray(INDArray[]::new), null);
  }

  private double timeSteps(ComputationGraph net, MultiDataSet batchData) {
    long t0 = System.nanoTime();
    for (int i = 0; i < steps; i++) {
      net.fit(batchData);
    }
    return (System.nanoTime() - t0) / 1e6 / steps;
  }

  private List<OpShare> profileSteps(ComputationGraph net, MultiDataSet batchData, String mode, String layers) {
    OpTimes times = new OpTimes();
    OpProfiler.getInstance().reset();
    OpProfiler.getInstance().setClassAggergator(times);
    OpExecutioner executioner = Nd4j.getExecutioner();
    executioner.setProfilingMode(OpExecutioner.ProfilingMode.OPERATIONS);
    double ms;
    try {
      ms = timeSteps(net, batchData);
    } finally {
      executioner.setProfilingMode(OpExecutioner.ProfilingMode.DISABLED);
      OpProfiler.getInstance().reset();
    }
    List<OpShare> shares = new ArrayList<>();
    double inOps = 0;
    for (Map.Entry<String, long[]> e : times.byOp.entrySet()) {
      double opMs = e.getValue()[1] / 1e6 / steps;
      inOps += opMs;
      shares.add(new OpShare(mode, layers, e.getKey(), (double) e.getValue()[0] / steps, opMs));
    }
    shares.sort((a, b) -> Double.compare(b.msPerStep(), a.msPerStep()));
    shares.add(new OpShare(mode, layers, "(outside ops)", 0, Math.max(0, ms - inOps)));
    return shares;
  }

  private void printProfile(List<OpShare> shares) {
    table.println();
    table.println("| mode | layers | op | calls/step | ms/step | share of step |");
    table.println("|---|---|---|---:|---:|---:|");
    Map<String, List<OpShare>> byCell = new LinkedHashMap<>();
    shares.forEach(s -> byCell.computeIfAbsent(s.mode() + "|" + s.layers(), k -> new ArrayList<>()).add(s));
    for (List<OpShare> cell : byCell.values()) {
      // profileSteps lists a cell's ops by time, then its "(outside ops)" row.
      List<OpShare> ops = cell.subList(0, cell.size() - 1);
      OpShare outside = cell.get(cell.size() - 1);
      double total = cell.stream().mapToDouble(OpShare::msPerStep).sum();
      ops.stream().limit(TOP_OPS).forEach(s -> row(s, total));
      List<OpShare> rest = ops.subList(Math.min(TOP_OPS, ops.size()), ops.size());
      if (!rest.isEmpty()) {
        row(new OpShare(outside.mode(), outside.layers(), "(other ops)",
            rest.stream().mapToDouble(OpShare::callsPerStep).sum(), rest.stream().mapToDouble(OpShare::msPerStep).sum()),
            total);
      }
      row(outside, total);
    }
  }

  private void row(OpShare s, double total) {
    table.printf(Locale.ROOT, "| %s | %s | %s | %.0f | %.2f | %.0f%% |%n", s.mode(), s.layers(), s.op(),
        s.callsPerStep(), s.msPerStep(), 100 * s.msPerStep() / total);
  }

  private static double rate(List<Cell> cells, String mode, String layers) {
    return cells.stream().filter(c -> c.mode().equals(mode) && c.layers().equals(layers))
        .mapToDouble(Cell::examplesPerSecond).findFirst().orElse(Double.NaN);
  }

  /** ND4J's per-op-class time aggregator, keyed here by op name instead (calls, nanoseconds). */
  private static final class OpTimes extends StringAggregator {
    final Map<String, long[]> byOp = new LinkedHashMap<>();

    @Override
    public void putTime(String key, Op op, long timeSpent) {
      add(op.opName(), timeSpent);
    }

    @Override
    public void putTime(String key, CustomOp op, long timeSpent) {
      add(op.opName(), timeSpent);
    }

    private void add(String op, long nanos) {
      long[] t = byOp.computeIfAbsent(op, k -> new long[2]);
      t[0]++;
      t[1] += nanos;
    }
  }
}
