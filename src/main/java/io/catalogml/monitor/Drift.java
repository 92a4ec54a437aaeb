package io.catalogml.monitor;

import java.util.Map;
import java.util.TreeSet;

/**
 * Distances between two categorical distributions given as counts per category (a category
 * missing from one side has count 0 there).
 */
public final class Drift {
  /** What an empty bin counts as in {@link #psi}, as Evidently and NannyML floor it. */
  public static final double PSI_FLOOR = 1e-4;

  private Drift() {}

  /**
   * Jensen-Shannon distance with the natural logarithm, as {@code scipy.spatial.distance.jensenshannon}
   * computes it: the square root of the mean Kullback-Leibler divergence of each side from their
   * average; 0 for equal mixes, at most sqrt(ln 2) ≈ 0.833.
   */
  public static double jensenShannon(Map<String, Long> a, Map<String, Long> b) {
    double[][] pq = shares(a, b);
    double js = 0;
    for (int i = 0; i < pq[0].length; i++) {
      double p = pq[0][i];
      double q = pq[1][i];
      double m = (p + q) / 2;
      js += (p > 0 ? p * Math.log(p / m) : 0) + (q > 0 ? q * Math.log(q / m) : 0);
    }
    return Math.sqrt(Math.max(0, js / 2));
  }

  /**
   * Population stability index of {@code actual} against {@code expected}: the sum over categories of
   * (actual − expected) × ln(actual / expected), shares floored at {@value #PSI_FLOOR}.
   */
  public static double psi(Map<String, Long> expected, Map<String, Long> actual) {
    double[][] pq = shares(expected, actual);
    double psi = 0;
    for (int i = 0; i < pq[0].length; i++) {
      double e = Math.max(PSI_FLOOR, pq[0][i]);
      double a = Math.max(PSI_FLOOR, pq[1][i]);
      psi += (a - e) * Math.log(a / e);
    }
    return psi;
  }

  /** Shares of both sides over the union of their categories, in one order. */
  static double[][] shares(Map<String, Long> a, Map<String, Long> b) {
    TreeSet<String> keys = new TreeSet<>(a.keySet());
    keys.addAll(b.keySet());
    double ta = a.values().stream().mapToLong(Long::longValue).sum();
    double tb = b.values().stream().mapToLong(Long::longValue).sum();
    double[][] s = new double[2][keys.size()];
    int i = 0;
    for (String k : keys) {
      s[0][i] = ta == 0 ? 0 : a.getOrDefault(k, 0L) / ta;
      s[1][i] = tb == 0 ? 0 : b.getOrDefault(k, 0L) / tb;
      i++;
    }
    return s;
  }
}
