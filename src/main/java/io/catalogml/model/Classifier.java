package io.catalogml.model;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A trained model that classifies rows of {@code silver.features} on the executors: the DL4J
 * network ({@link Dl4jClassifier}) or the MLlib baseline ({@link LogRegClassifier}). Evaluation
 * and scoring use this interface only.
 */
public interface Classifier {
  /** The classes, in the order of the probabilities. */
  LabelMap labels();

  /** Predictions of every row, computed on the executors; rows need {@link FeatureBatches#COLUMNS}. */
  JavaRDD<Predictor.Prediction> predict(Dataset<Row> features);

  /**
   * The rows with {@link Predictor#PROBABILITIES} ({@code array<float>}, in label order) added,
   * computed on the executors; rows need {@link FeatureBatches#COLUMNS}, other columns pass
   * through.
   */
  Dataset<Row> withProbabilities(Dataset<Row> features);

  /** Times a network was deserialised on the executors so far (0 for a model without one). */
  default long networkLoads() {
    return 0;
  }
}
