package io.catalogml.evaluate;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Seeded synthetic predictions: a noisy classifier that favours the true class. */
final class RandomPredictions {
  private RandomPredictions() {}

  static List<String> labels(int classes) {
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      labels.add("class-" + c);
    }
    return labels;
  }

  /**
   * A probability vector: random positive scores, plus a boost on the true class with
   * probability {@code skill}, normalised to sum to 1. Some scores are rounded to force ties.
   */
  static float[] probabilities(Random random, int classes, int truth, double skill) {
    double[] s = new double[classes];
    double sum = 0;
    for (int c = 0; c < classes; c++) {
      s[c] = random.nextDouble() < 0.1 ? 0 : Math.pow(random.nextDouble(), 3);
      if (random.nextDouble() < 0.05) {
        s[c] = 0.5;
      }
    }
    if (random.nextDouble() < skill) {
      s[truth] += 1 + random.nextDouble();
    }
    for (double v : s) {
      sum += v;
    }
    float[] p = new float[classes];
    for (int c = 0; c < classes; c++) {
      p[c] = sum == 0 ? 1f / classes : (float) (s[c] / sum);
    }
    return p;
  }

  /** Class of each product, skewed: class c is drawn with weight 1/(c+1); classes ≥ maxTruth never. */
  static int truth(Random random, int maxTruth) {
    double total = 0;
    for (int c = 0; c < maxTruth; c++) {
      total += 1.0 / (c + 1);
    }
    double u = random.nextDouble() * total;
    for (int c = 0; c < maxTruth; c++) {
      u -= 1.0 / (c + 1);
      if (u <= 0) {
        return c;
      }
    }
    return maxTruth - 1;
  }
}
