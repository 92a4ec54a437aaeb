package io.catalogml.model;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/** A DL4J network as a {@link Classifier}: broadcast once, batched inference per partition. */
public final class Dl4jClassifier implements Classifier {
  private static final int BATCH = 256;
  private final Predictor predictor;
  private final LabelMap labels;

  public Dl4jClassifier(SparkSession spark, ComputationGraph net, InputSpec spec, LabelMap labels) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.predictor = new Predictor(sc.broadcast(Predictor.bytes(net)), spec, BATCH);
    this.labels = labels;
  }

  @Override
  public LabelMap labels() {
    return labels;
  }

  @Override
  public JavaRDD<Predictor.Prediction> predict(Dataset<Row> features) {
    Predictor p = predictor;
    return FeatureBatches.select(features).javaRDD().mapPartitions(p::predict);
  }
}
