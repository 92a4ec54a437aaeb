package io.catalogml.train;

import io.catalogml.config.TrainSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.model.FeatureBatches;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.rand;

import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.impl.graph.SparkComputationGraph;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;

/**
 * Data-parallel DL4J training of one network on Spark: the training rows are spread over the
 * workers by product and cached once, and each {@link #fitEpoch(int)} reorders every worker's rows
 * with a seed derived from the epoch (so a resumed run
 * sees the same order as an uninterrupted one), turns them into minibatches on the executors
 * ({@link FeatureBatches}), and makes one pass of {@link SparkComputationGraph} with the
 * configured training master.
 */
public final class SparkTrainer implements EpochTrainer {
  private static final java.util.concurrent.atomic.AtomicBoolean SHARING_USED =
      new java.util.concurrent.atomic.AtomicBoolean();
  private final SparkComputationGraph sparkNet;
  private final Dataset<Row> rows;
  private final TrainSettings train;
  private final InputSpec spec;
  private final LabelMap labels;
  private final TrainingTargets targets;
  private final int workers;
  private final long examples;
  private final SharingGate.Join join;

  /**
   * @param trainRows training rows with {@link FeatureBatches#COLUMNS}; every label in {@code labels}
   * @param workers data partitions trained in parallel
   * @param workDir where DL4J writes its work files (under the run's folder)
   */
  public SparkTrainer(SparkSession spark, ComputationGraph net, TrainSettings train, InputSpec spec, LabelMap labels,
      Dataset<Row> trainRows, int workers, String workDir) {
    this.targets = TrainingTargets.of(train, spec);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (train.master() == TrainSettings.Master.SHARING && sc.isLocal() && workers > sc.defaultParallelism()) {
      // On a cluster Spark itself waits for enough executors, then fails a barrier stage that cannot fit.
      throw CatalogErrors.sharingNeedsSlots(workers, sc.defaultParallelism());
    }
    if (train.master() == TrainSettings.Master.SHARING && train.decay().decays(train.epochs())) {
      // DL4J's sharing master broadcasts the network once per JVM: its workers keep their first rate.
      throw CatalogErrors.decayNeedsAveraging();
    }
    this.sparkNet = new SparkComputationGraph(sc, net, TrainingMasters.create(train, sc, workers, workDir));
    if (train.master() == TrainSettings.Master.SHARING) {
      SHARING_USED.set(true);
    }
    // Spread over the workers once: the same products go to the same worker every epoch anyway (a hash
    // of product_id), so each epoch only reorders its partition, with no shuffle of the rows.
    this.rows = FeatureBatches.select(trainRows).repartition(workers, col("product_id"))
        .persist(StorageLevel.MEMORY_AND_DISK());
    this.train = train;
    this.spec = spec;
    this.labels = labels;
    this.workers = workers;
    this.examples = rows.count();
    this.join = new SharingGate.Join(TrainingMasters.controller(train, sc), train.sharingPort(),
        train.sharingJoinTimeout());
  }

  /**
   * On the driver's network: the averaging master broadcasts its configuration with its parameters
   * at every fit. The gradient-sharing master, whose workers keep the rate they started with, was
   * refused a decay when this trainer was made.
   */
  @Override
  public void learningRate(double rate) {
    Dl4jTrainer.setAdamRate(sparkNet.getNetwork(), rate);
  }

  @Override
  public ComputationGraph fitEpoch(int epoch) {
    int batchSize = train.batchSize();
    InputSpec s = spec;
    LabelMap l = labels;
    TrainingTargets t = targets;
    JavaRDD<Row> shuffled = rows
        .sortWithinPartitions(rand(train.seed() * 1_000_003L + epoch))
        .javaRDD();
    JavaRDD<MultiDataSet> batches = train.master() == TrainSettings.Master.SHARING
        ? SharingGate.batches(shuffled, batchSize, s, l, t, join)
        : shuffled.mapPartitions(it -> dataSets(it, batchSize, s, l, t));
    try {
      return sparkNet.fitMultiDataSet(batches);
    } catch (RuntimeException e) {
      if (train.master() == TrainSettings.Master.SHARING && SharingJoinWatch.failedToJoin(e)) {
        throw CatalogErrors.sharingDidNotJoin(join.controller(), join.port(), join.timeoutSeconds(), e);
      }
      throw e;
    } finally {
      // The master persists the epoch's minibatches; their off-heap arrays are invisible to Spark's eviction.
      batches.unpersist(false);
    }
  }

  /**
   * Whether a gradient-sharing training ran in this JVM. DL4J 1.0.0-M2 keeps parameter-server and
   * gradient-sharing state JVM-wide after it; a network trained later in the same JVM turned NaN
   * after one epoch (shutting the parameter server down did not help), so the train stage refuses.
   */
  public static boolean sharingUsedInThisJvm() {
    return SHARING_USED.get();
  }

  /**
   * Minibatches of a partition of rows, with their {@code targets}; static so that the closure does not
   * capture the trainer.
   */
  static Iterator<MultiDataSet> dataSets(Iterator<Row> rows, int batchSize, InputSpec spec, LabelMap labels,
      TrainingTargets targets) {
    Iterator<List<Row>> chunks = FeatureBatches.chunks(rows, batchSize);
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return chunks.hasNext();
      }

      @Override
      public MultiDataSet next() {
        return targets.minibatch(chunks.next(), spec, labels);
      }
    };
  }

  /** Training loss the master reported for the last pass. */
  @Override
  public double score() {
    return sparkNet.getScore();
  }

  @Override
  public long examples() {
    return examples;
  }

  @Override
  public void close() {
    rows.unpersist();
    sparkNet.getTrainingMaster().deleteTempFiles(sparkNet.getSparkContext());
    if (train.master() == TrainSettings.Master.SHARING) {
      // The parameter server is a JVM-wide singleton that keeps its threads and port after training.
      ModelParameterServer.getInstance().shutdown();
    }
  }
}
