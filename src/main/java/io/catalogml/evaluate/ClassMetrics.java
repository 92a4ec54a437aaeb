package io.catalogml.evaluate;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * Metrics of one class in a {@link ClassificationReport}.
 *
 * @param index class id
 * @param label class name
 * @param precision true positives / products predicted as this class; 0 if it was never predicted
 * @param recall true positives / support; 0 if the support is 0
 * @param f1 harmonic mean of precision and recall; 0 if both are 0
 * @param support products whose true class is this one
 * @param predicted products predicted as this class
 */
@JsonPropertyOrder({"index", "label", "precision", "recall", "f1", "support", "predicted"})
public record ClassMetrics(
    int index, String label, double precision, double recall, double f1, long support, long predicted) {}
