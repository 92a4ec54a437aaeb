package io.catalogml.monitor;

/**
 * One monitored number of a night against its reference and threshold.
 *
 * @param metric the metric's name, also its column in {@code gold.monitoring} and its MLflow metric
 * @param value tonight's value (null: cannot be measured tonight, e.g. no title has a word)
 * @param reference the reference value (null for a distance, which is measured against the reference)
 * @param threshold the threshold from {@code monitor.*}
 * @param rule how value, reference and threshold decide: {@link Rule}
 * @param breached whether the threshold was exceeded
 */
public record Check(String metric, Double value, Double reference, double threshold, Rule rule, boolean breached) {

  /** How a check decides. */
  public enum Rule {
    /** value &gt; threshold (a distance from the reference). */
    DISTANCE,
    /** value − reference &gt; threshold. */
    RISE,
    /** reference − value &gt; threshold. */
    DROP,
    /** |value − reference| &gt; threshold × reference. */
    RELATIVE_CHANGE
  }

  /** A check of {@code value}; not breached when either side it needs is null. */
  public static Check of(String metric, Double value, Double reference, double threshold, Rule rule) {
    boolean breached = value != null && switch (rule) {
      case DISTANCE -> value > threshold;
      case RISE -> reference != null && value - reference > threshold;
      case DROP -> reference != null && reference - value > threshold;
      case RELATIVE_CHANGE -> reference != null && reference > 0
          && Math.abs(value - reference) > threshold * reference;
    };
    return new Check(metric, value, reference, threshold, rule, breached);
  }
}
