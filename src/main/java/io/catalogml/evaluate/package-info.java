/**
 * Evaluation of a multi-class classifier, in pure Java (no DL4J, no Spark at run time).
 *
 * <p>{@link io.catalogml.evaluate.EvaluationAccumulator} counts one split row by row and merges
 * across Spark partitions; {@link io.catalogml.evaluate.ClassificationReport} is the immutable
 * result with its JSON and Markdown renderings; {@link io.catalogml.evaluate.ConfusionMatrixPlot}
 * and {@link io.catalogml.evaluate.LearningCurvePlot} draw PNGs with Java2D (headless safe).
 *
 * <p>Conventions, shared with Spark MLlib's {@code MulticlassMetrics}: the predicted class is the
 * argmax of the probabilities (ties: lowest index wins); a class never predicted has precision 0;
 * an F1 with precision + recall = 0 is 0; weighted metrics weight each class by its support in
 * the truth. Macro metrics average over the classes with support &gt; 0.
 */
package io.catalogml.evaluate;
