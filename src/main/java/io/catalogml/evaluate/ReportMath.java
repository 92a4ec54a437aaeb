package io.catalogml.evaluate;

import java.util.ArrayList;
import java.util.List;

/** Metrics from a confusion matrix, with Spark MLlib's {@code MulticlassMetrics} conventions. */
final class ReportMath {
  private ReportMath() {}

  static ClassificationReport report(List<String> labels, long[][] confusion, double[] topK, double logLoss,
      double meanConfidence, long[] confidenceHistogram) {
    int n = confusion.length;
    long[] support = new long[n];
    long[] predicted = new long[n];
    long examples = 0;
    long correct = 0;
    for (int t = 0; t < n; t++) {
      for (int c = 0; c < n; c++) {
        support[t] += confusion[t][c];
        predicted[c] += confusion[t][c];
      }
      examples += support[t];
      correct += confusion[t][t];
    }
    List<ClassMetrics> perClass = new ArrayList<>(n);
    double[] weighted = new double[3];
    double[] macro = new double[3];
    int present = 0;
    for (int c = 0; c < n; c++) {
      long tp = confusion[c][c];
      double precision = predicted[c] == 0 ? 0.0 : (double) tp / predicted[c];
      double recall = support[c] == 0 ? 0.0 : (double) tp / support[c];
      double f1 = precision + recall == 0 ? 0.0 : 2 * precision * recall / (precision + recall);
      perClass.add(new ClassMetrics(c, labels.get(c), precision, recall, f1, support[c], predicted[c]));
      if (support[c] > 0) {
        double weight = (double) support[c] / examples;
        weighted[0] += precision * weight;
        weighted[1] += recall * weight;
        weighted[2] += f1 * weight;
        macro[0] += precision;
        macro[1] += recall;
        macro[2] += f1;
        present++;
      }
    }
    return new ClassificationReport(examples, n, (double) correct / examples, topK[0], topK[1], topK[2],
        logLoss, weighted[0], weighted[1], weighted[2],
        macro[0] / present, macro[1] / present, macro[2] / present, perClass, confusion, meanConfidence,
        confidenceHistogram);
  }
}
