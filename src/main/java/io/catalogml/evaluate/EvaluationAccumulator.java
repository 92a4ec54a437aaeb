package io.catalogml.evaluate;

import io.catalogml.core.CatalogErrors;
import java.io.Serializable;
import java.util.List;

/**
 * Counts the predictions of one split, row by row, into everything a
 * {@link ClassificationReport} needs: the confusion matrix, the rank of the true class (for
 * top-k accuracy) and the summed log loss. Memory is {@code O(classes²)}, independent of the
 * number of rows, so a Spark job aggregates per partition without collecting predictions:
 *
 * <pre>{@code
 * EvaluationAccumulator total = rows.mapPartitions(it -> {
 *       EvaluationAccumulator acc = new EvaluationAccumulator(labels.size());
 *       it.forEachRemaining(r -> acc.add(r.truth(), r.probabilities()));
 *       return List.of(acc).iterator();
 *     })
 *     .reduce(EvaluationAccumulator::merge);
 * ClassificationReport report = total.build(labels);
 * }</pre>
 *
 * <p>Or {@code rdd.treeAggregate(new EvaluationAccumulator(n), (acc, r) -> acc.add(...),
 * EvaluationAccumulator::merge)}. {@link #add} and {@link #merge} mutate and return
 * {@code this}, as Spark's {@code aggregate} allows. Not thread-safe.
 *
 * <p>The predicted class is the argmax of the probabilities; on ties the lowest index wins. The
 * true class's rank uses the same order (a class tied with the true class counts ahead of it
 * only if its index is lower), so top-1 accuracy always equals accuracy.
 */
public final class EvaluationAccumulator implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The k of top-k accuracy, before clipping to the class count. */
  static final int[] TOP_K = {1, 3, 5};
  /** Probabilities below this count as this in the log loss, as in Spark MLlib and sklearn. */
  public static final double LOG_LOSS_EPSILON = 1e-15;

  private final int classes;
  private final long[][] confusion;
  private final long[] hitsAtRank;
  private final long[] confidenceBins = new long[ClassificationReport.CONFIDENCE_BINS];
  private long examples;
  private double logLossSum;
  private double confidenceSum;

  /**
   * An empty accumulator.
   *
   * @param classes number of classes; every probability vector must have this length
   */
  public EvaluationAccumulator(int classes) {
    if (classes < 1) {
      throw new IllegalArgumentException("an evaluation needs at least one class, got " + classes);
    }
    this.classes = classes;
    this.confusion = new long[classes][classes];
    this.hitsAtRank = new long[Math.min(TOP_K[TOP_K.length - 1], classes)];
  }

  /**
   * Counts one product.
   *
   * @param truth the true class index, in {@code [0, classes)}
   * @param probabilities the predicted probability of each class (softmax output); not renormalised
   * @return this accumulator
   * @throws IllegalArgumentException if {@code truth} is out of range or the vector has the wrong length
   * @throws io.catalogml.core.CatalogException if a probability is NaN or infinite (a diverged model)
   */
  public EvaluationAccumulator add(int truth, float[] probabilities) {
    if (probabilities.length != classes) {
      throw new IllegalArgumentException("expected " + classes + " probabilities, got " + probabilities.length);
    }
    if (truth < 0 || truth >= classes) {
      throw new IllegalArgumentException("true class " + truth + " is not in [0, " + classes + ")");
    }
    float p = probabilities[truth];
    int predicted = 0;
    int rank = 0;
    for (int c = 0; c < classes; c++) {
      float q = probabilities[c];
      if (!Float.isFinite(q)) {
        throw CatalogErrors.nonFiniteProbabilities(truth, q);
      }
      if (q > probabilities[predicted]) {
        predicted = c;
      }
      if (q > p || (q == p && c < truth)) {
        rank++;
      }
    }
    confusion[truth][predicted]++;
    float top = probabilities[predicted];
    confidenceSum += top;
    confidenceBins[ClassificationReport.confidenceBin(top)]++;
    if (rank < hitsAtRank.length) {
      hitsAtRank[rank]++;
    }
    logLossSum -= Math.log(Math.min(1.0, Math.max(LOG_LOSS_EPSILON, p)));
    examples++;
    return this;
  }

  /**
   * Adds the counts of {@code other} to this accumulator.
   *
   * @return this accumulator
   * @throws IllegalArgumentException if the class counts differ
   */
  public EvaluationAccumulator merge(EvaluationAccumulator other) {
    if (other.classes != classes) {
      throw new IllegalArgumentException("cannot merge an evaluation of " + other.classes
          + " classes into one of " + classes);
    }
    for (int t = 0; t < classes; t++) {
      for (int c = 0; c < classes; c++) {
        confusion[t][c] += other.confusion[t][c];
      }
    }
    for (int r = 0; r < hitsAtRank.length; r++) {
      hitsAtRank[r] += other.hitsAtRank[r];
    }
    for (int b = 0; b < confidenceBins.length; b++) {
      confidenceBins[b] += other.confidenceBins[b];
    }
    examples += other.examples;
    logLossSum += other.logLossSum;
    confidenceSum += other.confidenceSum;
    return this;
  }

  /** Number of classes. */
  public int classes() {
    return classes;
  }

  /** Products counted so far. */
  public long examples() {
    return examples;
  }

  /**
   * The report of everything counted so far.
   *
   * @param labels class names, index = class id; its size must equal {@link #classes()}
   * @throws io.catalogml.core.CatalogException if no product was counted
   */
  public ClassificationReport build(List<String> labels) {
    if (labels.size() != classes) {
      throw new IllegalArgumentException("expected " + classes + " labels, got " + labels.size());
    }
    if (examples == 0) {
      throw CatalogErrors.nothingEvaluated();
    }
    double[] topK = new double[TOP_K.length];
    for (int i = 0; i < TOP_K.length; i++) {
      long hits = 0;
      for (int r = 0; r < Math.min(TOP_K[i], classes); r++) {
        hits += hitsAtRank[r];
      }
      topK[i] = (double) hits / examples;
    }
    return ReportMath.report(labels, confusion, topK, logLossSum / examples, confidenceSum / examples,
        confidenceBins.clone());
  }
}
