package io.catalogml.train;

import io.catalogml.config.TrainSettings;
import io.catalogml.model.Dl4jClassifier;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import io.catalogml.evaluate.Evaluator;

import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.evaluate.EpochMetrics;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import io.catalogml.core.CatalogErrors;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.BooleanIndexing;
import org.nd4j.linalg.indexing.conditions.Conditions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop of a DL4J network: one distributed pass, validation on the executors, a
 * checkpoint, then early stopping when validation weighted F1 has not improved for
 * {@code train.patience} epochs. Starts from a new network or from a run's last checkpoint. After
 * the last epoch, with {@code train.average-epochs}, the mean of the last epochs' weights that scores best
 * on validation replaces the best epoch's network (stochastic weight averaging).
 */
final class Dl4jTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(Dl4jTrainer.class);

  /** Called after every epoch, after its checkpoint is saved. */
  interface EpochListener {
    void epochDone(EpochMetrics metrics, ClassificationReport validation);
  }

  /**
   * What the loop produced.
   *
   * @param best the network of the best epoch
   * @param state the final state (history, best epoch)
   * @param stoppedEarly whether patience ran out before {@code train.epochs}
   * @param fitSeconds seconds spent in the distributed passes of this job
   * @param fittedExamples examples fitted in this job (epochs run here × training examples)
   */
  record Outcome(ComputationGraph best, TrainState state, boolean stoppedEarly, double fitSeconds,
      long fittedExamples, Averaged averaged) {}

  /**
   * The best on validation of the means of the last epochs' weights ({@code train.average-epochs}: stochastic
   * weight averaging, Izmailov et al. 2018), which a network's last epochs scatter around when the learning
   * rate stays constant.
   *
   * @param from first epoch of the best mean
   * @param to last epoch averaged (the run's last)
   * @param network the network of its mean weights
   * @param validation its validation report
   * @param candidates every mean's validation weighted F1, by the number of epochs it averages
   */
  record Averaged(int from, int to, ComputationGraph network, ClassificationReport validation,
      java.util.SortedMap<Integer, Double> candidates) {
    /** The epochs averaged, as {@code from-to}. */
    String epochs() {
      return from + "-" + to;
    }

    /** {@link #candidates} by the epochs each averages ({@code from-to}), fewest epochs first. */
    java.util.Map<String, Double> candidatesByEpochs() {
      java.util.Map<String, Double> byEpochs = new java.util.LinkedHashMap<>();
      candidates.forEach((n, f1) -> byEpochs.put((to - n + 1) + "-" + to, f1));
      return byEpochs;
    }
  }

  private final SparkSession spark;
  private final TrainSettings settings;
  private final InputSpec spec;
  private final LabelMap labels;

  Dl4jTrainer(SparkSession spark, TrainSettings settings, InputSpec spec, LabelMap labels) {
    this.spark = spark;
    this.settings = settings;
    this.spec = spec;
    this.labels = labels;
  }

  /**
   * Trains {@code start} from the epoch after {@code initial}'s, each epoch at {@code rate} times its
   * {@code train.decay-at} factor.
   */
  Outcome train(ComputationGraph start, double rate, TrainState initial, Checkpoints checkpoints, Dataset<Row> train,
      Dataset<Row> validation, int workers, EpochListener listener) {
    TrainState state = initial;
    ComputationGraph net = start;
    double fitSeconds = 0;
    long fitted = 0;
    boolean stoppedEarly = false;
    try (EpochTrainer trainer = EpochTrainer.create(spark, net, settings, spec, labels, train, workers,
        checkpoints.workDir().toUri().toString())) {
      for (int epoch = state.epochsDone() + 1; epoch <= settings.epochs(); epoch++) {
        if (settings.patience() > 0 && state.bestEpoch() > 0 && epoch - 1 - state.bestEpoch() >= settings.patience()) {
          stoppedEarly = true;
          break;
        }
        long t0 = System.nanoTime();
        spark.sparkContext().setJobDescription("catalog-ml train: epoch " + epoch + " of " + settings.epochs());
        double epochRate = rate * settings.decay().factor(epoch, settings.epochs());
        // Without a decay the network trains at the rate it was built or checkpointed with, untouched.
        if (settings.decay().decays(settings.epochs()) && epochRate != adamRate(net)) {
          trainer.learningRate(epochRate);
          LOG.info("epoch {}/{}: Adam learning rate {} (train.decay-at {})", epoch, settings.epochs(), fmt(epochRate),
              settings.decay().at());
        }
        net = trainer.fitEpoch(epoch);
        requireFinite(net, epoch, trainer.score());
        double seconds = (System.nanoTime() - t0) / 1e9;
        fitSeconds += seconds;
        fitted += trainer.examples();
        ClassificationReport report = Evaluator.evaluate(new Dl4jClassifier(spark, net, spec, labels), validation);
        EpochMetrics metrics = new EpochMetrics(epoch, trainer.score(), report.logLoss(), report.accuracy(),
            report.weightedF1(), report.macroF1(), seconds);
        state = state.after(metrics);
        checkpoints.save(net, state);
        LOG.info("epoch {}/{}: loss {} validation accuracy {} weighted F1 {} ({} s, {} examples/s)", epoch,
            settings.epochs(), fmt(metrics.trainLoss()), fmt(report.accuracy()), fmt(report.weightedF1()),
            fmt(seconds), fmt(trainer.examples() / seconds));
        listener.epochDone(metrics, report);
      }
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
    ComputationGraph best = state.bestEpoch() == state.epochsDone() ? net : checkpoints.load(state.bestEpoch());
    Averaged averaged = average(checkpoints, state, validation);
    return new Outcome(averaged != null ? averaged.network() : best, state, stoppedEarly, fitSeconds, fitted, averaged);
  }

  /** Adam's learning rate of a network's output layer (every layer has the same); NaN for another updater. */
  static double adamRate(ComputationGraph net) {
    org.deeplearning4j.nn.conf.layers.Layer layer = net.getLayer("output").conf().getLayer();
    return layer instanceof org.deeplearning4j.nn.conf.layers.BaseLayer b
        && b.getIUpdater() instanceof org.nd4j.linalg.learning.config.Adam adam ? adam.getLearningRate() : Double.NaN;
  }

  /** Sets Adam's learning rate of every layer of {@code net}; DL4J keeps the updater's state (moments, step count). */
  static void setAdamRate(ComputationGraph net, double rate) {
    org.deeplearning4j.util.NetworkUtils.setLearningRate(net, rate);
  }

  /**
   * The means of the last N epochs' weights for each N of {@code train.average-epochs} that is at most half
   * the epochs trained (a longer mean would carry the first, barely trained epochs), each evaluated on
   * validation, and the best of them, which is packaged; null when no N is left. The best epoch is not a
   * candidate: its validation score is the highest of every epoch's, luck included, so it beat means that
   * scored higher on test (an image network at a constant rate, docs/BENCHMARKS.md, "Weight averaging"). A
   * network still improving at its last epoch gains nothing from its mean (the fashion fusion and text
   * networks): leave the list empty for it. Every choice is made on validation; the test split never sees
   * the candidates.
   */
  private Averaged average(Checkpoints checkpoints, TrainState state, Dataset<Row> validation) {
    int last = state.epochsDone();
    java.util.SortedSet<Integer> sizes = new java.util.TreeSet<>(settings.averageEpochs());
    sizes.removeIf(n -> n < 2 || n > last / 2);
    if (sizes.isEmpty()) {
      return null;
    }
    spark.sparkContext().setJobDescription("catalog-ml train: the means of the last " + sizes + " epochs");
    try {
      java.util.SortedMap<Integer, Double> candidates = new java.util.TreeMap<>();
      java.util.SortedMap<Integer, ComputationGraph> means = checkpoints.means(last, sizes);
      int bestN = 0;
      ClassificationReport bestReport = null;
      for (var mean : means.entrySet()) {
        int n = mean.getKey();
        ClassificationReport report = Evaluator.evaluate(new Dl4jClassifier(spark, mean.getValue(), spec, labels),
            validation);
        candidates.put(n, report.weightedF1());
        LOG.info("the mean of epochs {}-{}: validation weighted F1 {}", last - n + 1, last, fmt(report.weightedF1()));
        if (bestReport == null || report.weightedF1() > bestReport.weightedF1()) {
          bestN = n;
          bestReport = report;
        }
      }
      Averaged best = new Averaged(last - bestN + 1, last, means.get(bestN), bestReport,
          java.util.Collections.unmodifiableSortedMap(candidates));
      LOG.info("the mean of epochs {} is packaged: validation weighted F1 {} (the best epoch, {}: {})", best.epochs(),
          fmt(bestReport.weightedF1()), state.bestEpoch(), fmt(state.bestScore()));
      return best;
    } finally {
      spark.sparkContext().setJobDescription(null);
    }
  }


  /**
   * Fails on the driver when an epoch left the network with a NaN or infinite parameter or loss, before
   * the validation pass would meet it in every task (and Spark would retry each of those tasks), and
   * before its checkpoint is saved, so that {@code --resume} starts from the last finite epoch.
   */
  static void requireFinite(ComputationGraph net, int epoch, double loss) {
    INDArray params = net.params();
    boolean finite = Double.isFinite(loss) && !BooleanIndexing.or(params, Conditions.isNan())
        && !BooleanIndexing.or(params, Conditions.isInfinite());
    if (!finite) {
      throw CatalogErrors.trainingDiverged(epoch, loss);
    }
  }

  private static String fmt(double v) {
    return String.format(java.util.Locale.ROOT, "%.4f", v);
  }
}
