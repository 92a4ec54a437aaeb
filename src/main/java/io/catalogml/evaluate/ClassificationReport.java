package io.catalogml.evaluate;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * How well a classifier did on one split. Immutable; built by {@link EvaluationAccumulator#build}
 * (or {@link #of} for predictions in memory), rendered by {@link #toJson()} and
 * {@link #toMarkdown()}, and read back with {@code Json.mapper().readValue(json, ClassificationReport.class)}.
 *
 * <p>Conventions (those of Spark MLlib's {@code MulticlassMetrics}, which a test checks):
 * <ul>
 *   <li>predicted class = argmax of the probabilities, lowest index on ties;
 *   <li>a class never predicted has precision 0 (sklearn's {@code zero_division=0}); a class with
 *       support 0 has recall 0; F1 is 0 when precision + recall is 0;
 *   <li>weighted metrics weight each class by its support, so weighted recall equals accuracy;
 *   <li>macro metrics are the plain mean over the classes with support &gt; 0 in the truth: a class
 *       absent from the split has no recall to speak of and would only drag the mean to 0. (sklearn
 *       averages over the classes seen in truth or predictions, so it differs when the model
 *       predicts a class absent from the truth.)
 * </ul>
 *
 * @param examples products evaluated
 * @param classes number of classes of the model (including those with support 0)
 * @param accuracy share of products whose predicted class is the true one
 * @param top1Accuracy share with the true class first in the ranking (= accuracy)
 * @param top3Accuracy share with the true class among the 3 most probable (k clipped to {@code classes})
 * @param top5Accuracy share with the true class among the 5 most probable (k clipped to {@code classes})
 * @param logLoss mean of {@code -ln(p)}, p the probability of the true class clipped to
 *     {@code [1e-15, 1]}; the vectors are not renormalised
 * @param weightedPrecision precision per class weighted by support
 * @param weightedRecall recall per class weighted by support (= accuracy)
 * @param weightedF1 F1 per class weighted by support
 * @param macroPrecision mean precision over the classes with support &gt; 0
 * @param macroRecall mean recall over the classes with support &gt; 0
 * @param macroF1 mean F1 over the classes with support &gt; 0
 * @param perClass metrics of every class, by class index
 * @param confusionMatrix counts, {@code [true class][predicted class]}
 * @param meanConfidence mean top probability (of the predicted class), whether right or wrong
 * @param confidenceHistogram products by top probability in {@value #CONFIDENCE_BINS} equal bins of [0, 1]
 *     ({@link #confidenceBin}); null in a report written before it existed
 */
@JsonPropertyOrder({"examples", "classes", "accuracy", "top1Accuracy", "top3Accuracy", "top5Accuracy",
    "logLoss", "weightedPrecision", "weightedRecall", "weightedF1", "macroPrecision", "macroRecall", "macroF1",
    "perClass", "confusionMatrix",
    "meanConfidence", "confidenceHistogram"})
public record ClassificationReport(
    long examples,
    int classes,
    double accuracy,
    double top1Accuracy,
    double top3Accuracy,
    double top5Accuracy,
    double logLoss,
    double weightedPrecision,
    double weightedRecall,
    double weightedF1,
    double macroPrecision,
    double macroRecall,
    double macroF1,
    List<ClassMetrics> perClass,
    long[][] confusionMatrix,
    double meanConfidence,
    long[] confidenceHistogram) {

  /** Bins of {@link #confidenceHistogram}. */
  public static final int CONFIDENCE_BINS = 20;

  /** Copies the per-class list, the matrix and the histogram, so that the report cannot change. */
  public ClassificationReport {
    perClass = List.copyOf(perClass);
    confusionMatrix = copy(confusionMatrix);
    confidenceHistogram = confidenceHistogram == null ? null : confidenceHistogram.clone();
  }

  /** Bin of a probability in {@link #confidenceHistogram}: {@code [b/20, (b+1)/20)}, 1.0 in the last. */
  public static int confidenceBin(double p) {
    return Math.max(0, Math.min(CONFIDENCE_BINS - 1, (int) Math.floor(p * CONFIDENCE_BINS)));
  }

  /** A copy of the confidence histogram (null in a report written before it existed). */
  @Override
  public long[] confidenceHistogram() {
    return confidenceHistogram == null ? null : confidenceHistogram.clone();
  }

  /**
   * The report of predictions held in memory (tests, small splits).
   *
   * @param labels class names, index = class id
   * @param truth true class index of each product
   * @param probabilities predicted probability vector of each product
   */
  public static ClassificationReport of(List<String> labels, int[] truth, float[][] probabilities) {
    if (truth.length != probabilities.length) {
      throw new IllegalArgumentException(truth.length + " true classes but " + probabilities.length + " predictions");
    }
    EvaluationAccumulator acc = new EvaluationAccumulator(labels.size());
    for (int i = 0; i < truth.length; i++) {
      acc.add(truth[i], probabilities[i]);
    }
    return acc.build(labels);
  }

  /** A copy of the confusion matrix, {@code [true class][predicted class]}. */
  @Override
  public long[][] confusionMatrix() {
    return copy(confusionMatrix);
  }

  /** Class names, index = class id. */
  public List<String> labels() {
    return perClass.stream().map(ClassMetrics::label).toList();
  }

  /**
   * The headline numbers as tracker metrics ({@code TrackedRun.logMetrics}), keys prefixed,
   * e.g. {@code val_accuracy}, {@code val_weighted_f1}, {@code val_log_loss}.
   */
  public Map<String, Double> toMetrics(String prefix) {
    Map<String, Double> m = new LinkedHashMap<>();
    m.put(prefix + "accuracy", accuracy);
    m.put(prefix + "top3_accuracy", top3Accuracy);
    m.put(prefix + "top5_accuracy", top5Accuracy);
    m.put(prefix + "log_loss", logLoss);
    m.put(prefix + "weighted_precision", weightedPrecision);
    m.put(prefix + "weighted_recall", weightedRecall);
    m.put(prefix + "weighted_f1", weightedF1);
    m.put(prefix + "macro_precision", macroPrecision);
    m.put(prefix + "macro_recall", macroRecall);
    m.put(prefix + "macro_f1", macroF1);
    return m;
  }

  /** One line of JSON, keys in the order of the record components. */
  public String toJson() {
    return Json.line(this);
  }

  /**
   * A Markdown summary table, then a per-class table sorted by support (descending, then class
   * index), numbers with 3 decimals.
   */
  public String toMarkdown() {
    return ReportMarkdown.render(this);
  }

  /**
   * Writes {@code <name>.json} and {@code <name>.md} into {@code folder}, creating it if needed.
   *
   * @return the two files written, JSON first
   */
  public List<Path> write(Path folder, String name) {
    Path json = folder.resolve(name + ".json");
    Path md = folder.resolve(name + ".md");
    writeText(json, toJson() + "\n");
    writeText(md, toMarkdown());
    return List.of(json, md);
  }

  static void writeText(Path file, String text) {
    try {
      Path parent = file.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      Files.writeString(file, text, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(file, e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ClassificationReport r
        && examples == r.examples && classes == r.classes
        && Double.compare(accuracy, r.accuracy) == 0
        && Double.compare(top1Accuracy, r.top1Accuracy) == 0
        && Double.compare(top3Accuracy, r.top3Accuracy) == 0
        && Double.compare(top5Accuracy, r.top5Accuracy) == 0
        && Double.compare(logLoss, r.logLoss) == 0
        && Double.compare(weightedPrecision, r.weightedPrecision) == 0
        && Double.compare(weightedRecall, r.weightedRecall) == 0
        && Double.compare(weightedF1, r.weightedF1) == 0
        && Double.compare(macroPrecision, r.macroPrecision) == 0
        && Double.compare(macroRecall, r.macroRecall) == 0
        && Double.compare(macroF1, r.macroF1) == 0
        && perClass.equals(r.perClass)
        && Arrays.deepEquals(confusionMatrix, r.confusionMatrix)
        && Double.compare(meanConfidence, r.meanConfidence) == 0
        && Arrays.equals(confidenceHistogram, r.confidenceHistogram);
  }

  @Override
  public int hashCode() {
    return 31 * Double.hashCode(accuracy) + Arrays.deepHashCode(confusionMatrix);
  }

  @Override
  public String toString() {
    return String.format(Locale.ROOT,
        "ClassificationReport[examples=%d, classes=%d, accuracy=%.4f, weightedF1=%.4f, macroF1=%.4f, logLoss=%.4f]",
        examples, classes, accuracy, weightedF1, macroF1, logLoss);
  }

  private static long[][] copy(long[][] m) {
    long[][] c = new long[m.length][];
    for (int i = 0; i < m.length; i++) {
      c[i] = m[i].clone();
    }
    return c;
  }
}
