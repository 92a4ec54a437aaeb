package io.catalogml.model;

import java.util.UUID;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.util.LongAccumulator;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * A DL4J network as a {@link Classifier}: broadcast once, restored once per executor JVM and
 * shared by its tasks ({@link NetworkCache}), batched inference per partition.
 */
public final class Dl4jClassifier implements Classifier {
  /** Minibatch size when none is given. */
  public static final int DEFAULT_BATCH = 256;
  private final Predictor predictor;
  private final LabelMap labels;
  private final LongAccumulator loads;

  public Dl4jClassifier(SparkSession spark, ComputationGraph net, InputSpec spec, LabelMap labels) {
    this(spark, net, spec, labels, DEFAULT_BATCH);
  }

  /** A classifier that feeds the network {@code batchSize} rows at a time. */
  public Dl4jClassifier(SparkSession spark, ComputationGraph net, InputSpec spec, LabelMap labels, int batchSize) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.loads = sc.sc().longAccumulator("catalog-ml network loads");
    this.predictor = new Predictor(sc.broadcast(Predictor.bytes(net)), UUID.randomUUID().toString(), loads, spec,
        batchSize);
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

  @Override
  public Dataset<Row> withProbabilities(Dataset<Row> features) {
    Predictor p = predictor;
    return features.mapPartitions((MapPartitionsFunction<Row, Row>) p::withProbabilities,
        Encoders.row(features.schema().add(Predictor.PROBABILITIES,
            DataTypes.createArrayType(DataTypes.FloatType, false), false)));
  }

  /** Times the network was deserialised on the executors so far (once per executor JVM when the cache works). */
  @Override
  public long networkLoads() {
    return loads.value();
  }
}
