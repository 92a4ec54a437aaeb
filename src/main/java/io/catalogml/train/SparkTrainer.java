package io.catalogml.train;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;

/**
 * Data-parallel DL4J training of one network on Spark: the training rows become minibatches on
 * the executors ({@link FeatureBatches}), and each {@link #fitEpoch()} is one pass of
 * {@link SparkComputationGraph} with the configured training master.
 */
public final class SparkTrainer implements AutoCloseable {
  private final SparkComputationGraph sparkNet;
  private final JavaRDD<MultiDataSet> batches;
  private final long examples;

  /**
   * @param trainRows training rows with {@link FeatureBatches#COLUMNS}; every label in {@code labels}
   * @param workers data partitions trained in parallel
   * @param exportDir where the training master writes the minibatches (under the run's work folder)
   */
  public SparkTrainer(SparkSession spark, ComputationGraph net, TrainSettings train, InputSpec spec, LabelMap labels,
      Dataset<Row> trainRows, int workers, String exportDir) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    this.sparkNet = new SparkComputationGraph(sc, net, TrainingMasters.create(train, sc, workers, exportDir));
    Dataset<Row> shuffled = trainRows.select(FeatureBatches.COLUMNS[0], java.util.Arrays.copyOfRange(
            FeatureBatches.COLUMNS, 1, FeatureBatches.COLUMNS.length))
        .repartition(workers, col("product_id"))
        .sortWithinPartitions(rand(train.seed()));
    int batchSize = train.batchSize();
    this.batches = shuffled.javaRDD().mapPartitions(rows -> dataSets(rows, batchSize, spec, labels));
    this.examples = trainRows.count();
  }

  /** Minibatches of a partition of rows; static so that the closure does not capture the trainer. */
  static Iterator<MultiDataSet> dataSets(Iterator<Row> rows, int batchSize, InputSpec spec, LabelMap labels) {
    Iterator<List<Row>> chunks = FeatureBatches.chunks(rows, batchSize);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public MultiDataSet next() {
        return FeatureBatches.dataSet(chunks.next(), spec, labels);
      }
    };
  }

  /** One pass over the training rows; returns the network after it (on the driver). */
  public ComputationGraph fitEpoch() {
    return sparkNet.fitMultiDataSet(batches);
  }

  /** Training loss of the last minibatches the master reported. */
  public double score() {
    return sparkNet.getScore();
  }

  /** Number of training examples per epoch. */
  public long examples() {
    return examples;
  }

  /** The network being trained (on the driver). */
  public ComputationGraph network() {
    return sparkNet.getNetwork();
  }

  @Override
  public void close() {
    sparkNet.getTrainingMaster().deleteTempFiles(sparkNet.getSparkContext());
  }
}
