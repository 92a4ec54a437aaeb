package io.catalogml.train;

import java.util.concurrent.atomic.AtomicLong;
import org.deeplearning4j.nn.api.Model;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.TrainingHook;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A parameter-averaging worker's view of its rounds. At DEBUG (logger {@code io.catalogml.train.RoundLog})
 * one line per minibatch: its round's running count of minibatches and examples, the mean loss, and the
 * norms of the worker's parameters and Adam state at the round's start and now. At WARN every minibatch
 * whose loss no softmax cross-entropy can have (not finite, negative, or above {@link #MAX_LOSS}): that
 * is how corrupted minibatch memory showed itself before the parameters turned NaN.
 *
 * <p>DL4J deserialises the hook with each task's worker, so the counters are per task and round.
 */
final class RoundLog implements TrainingHook {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(RoundLog.class);
  /** DL4J's cross-entropy clips probabilities at 1e-10: no example's loss can exceed -ln(1e-10). */
  static final double MAX_LOSS = -Math.log(1e-10) + 1e-3;
  private static final AtomicLong IMPOSSIBLE = new AtomicLong();

  private transient int minibatches;
  private transient long examples;
  private transient double lossSum;
  private transient String start;

  /** Minibatches with an impossible loss that workers in this JVM have fitted since it started. */
  static long impossibleLosses() {
    return IMPOSSIBLE.get();
  }

  @Override
  public void preUpdate(MultiDataSet minibatch, Model model) {
    if (minibatches == 0 && LOG.isDebugEnabled()) {
      start = norms((ComputationGraph) model);
    }
  }

  @Override
  public void postUpdate(MultiDataSet minibatch, Model model) {
    ComputationGraph net = (ComputationGraph) model;
    double loss = net.score();
    long n = minibatch.getFeatures(0).size(0);
    minibatches++;
    examples += n;
    lossSum += loss * n;
    if (!(loss >= 0 && loss <= MAX_LOSS)) {
      IMPOSSIBLE.incrementAndGet();
      LOG.warn("minibatch {} of this worker's round ({} examples): loss {} is impossible for a cross-entropy; "
          + "its memory was corrupted or the network diverged", minibatches, n, loss);
    }
    if (LOG.isDebugEnabled()) {
      LOG.debug("worker round ({}): {} minibatches so far, {} examples, mean loss {}, at start {}, now {}",
          Thread.currentThread().getName(), minibatches, examples, lossSum / examples, start, norms(net));
    }
  }

  @Override
  public void preUpdate(DataSet minibatch, Model model) {
    // The graph trains on MultiDataSets only.
  }

  @Override
  public void postUpdate(DataSet minibatch, Model model) {
    // The graph trains on MultiDataSets only.
  }

  private static String norms(ComputationGraph net) {
    INDArray state = net.getUpdater() == null ? null : net.getUpdater().getStateViewArray();
    return String.format("|params| %.4f |adam state| %s", net.params().norm2Number().doubleValue(),
        state == null ? "none" : String.format("%.4f", state.norm2Number().doubleValue()));
  }
}
