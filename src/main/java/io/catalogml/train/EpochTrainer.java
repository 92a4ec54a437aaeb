package io.catalogml.train;

import io.catalogml.config.TrainSettings;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * One network trained epoch by epoch over a fixed set of training rows, by the strategy of
 * {@code train.master}: DL4J's Spark masters ({@link SparkTrainer}) or worker threads in the
 * driver JVM ({@link ThreadTrainer}).
 */
public interface EpochTrainer extends AutoCloseable {

  /**
   * The trainer of {@code train.master()} ({@code auto}: threads on a local Spark master, averaging on a cluster).
   *
   * @param trainRows training rows with {@link io.catalogml.model.FeatureBatches#COLUMNS}; every label in {@code labels}
   * @param workers data partitions trained in parallel
   * @param workDir where DL4J's Spark masters write their work files (under the run's folder)
   */
  static EpochTrainer create(SparkSession spark, ComputationGraph net, TrainSettings train, InputSpec spec,
      LabelMap labels, Dataset<Row> trainRows, int workers, String workDir) {
    TrainSettings.Master master = train.master().on(spark.sparkContext().isLocal());
    return master == TrainSettings.Master.THREADS
        ? new ThreadTrainer(spark, net, train.withMaster(master), spec, labels, trainRows, workers)
        : new SparkTrainer(spark, net, train.withMaster(master), spec, labels, trainRows, workers, workDir);
  }

  /**
   * Sets Adam's learning rate of every layer for the passes that follow, on the network and on every
   * copy the workers train (a step of {@code train.decay-at}); Adam's moments and step count stay.
   */
  void learningRate(double rate);

  /** One pass over the training rows (epoch numbers start at 1); returns the network after it. */
  ComputationGraph fitEpoch(int epoch);

  /** Training loss of the last pass, as the trainer reports it. */
  double score();

  /** Number of training examples per epoch. */
  long examples();

  @Override
  void close();
}
