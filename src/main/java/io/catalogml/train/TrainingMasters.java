package io.catalogml.train;

import io.catalogml.config.TrainSettings;

import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.storage.StorageLevel;
import org.deeplearning4j.optimize.solvers.accumulation.encoding.threshold.AdaptiveThresholdAlgorithm;
import org.deeplearning4j.spark.api.RDDTrainingApproach;
import org.deeplearning4j.spark.api.Repartition;
import org.deeplearning4j.spark.api.TrainingMaster;
import org.deeplearning4j.spark.impl.paramavg.ParameterAveragingTrainingMaster;
import org.deeplearning4j.spark.impl.repartitioner.NoOpRepartitioner;
import org.deeplearning4j.spark.parameterserver.training.SharedTrainingMaster;
import org.nd4j.parameterserver.distributed.conf.VoidConfiguration;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.enums.MeshBuildMode;

/**
 * The DL4J training master of {@code train.master}, built from typed settings.
 *
 * <p>Both train from the RDD of minibatches directly ({@link RDDTrainingApproach#Direct}): DL4J's
 * export approach writes each minibatch with {@code MultiDataSet.save}, whose placeholder for a
 * null input mask (the image inputs of the fusion network have none) comes back as a
 * {@code [1]} array and fails the convolution layers. {@code exportDir} still receives what
 * DL4J writes as work files, so nothing lands in {@code /tmp/hadoop-*}.
 *
 * <p>The minibatch RDD is cached deserialised ({@code MEMORY_ONLY}), not as DL4J's default
 * {@code MEMORY_ONLY_SER}: the master cuts an epoch into one split per averaging round and each
 * split filters the whole cached RDD, so a serialised cache deserialises every image minibatch
 * once per split (28 times an epoch on the fashion catalogue). Measured on 2 cores, one fusion
 * epoch of 8,950 products: 128 s with the default, 45 s with this. The cache holds the minibatches
 * of one epoch off-heap (about 1.5 MB per 32 images of 64×64), which Spark does not count.
 *
 * <p><b>Averaging and DL4J's prefetch workspace (the averaging NaN).</b> With two or more workers
 * DL4J's default re-shuffles each round's minibatches into one partition per worker, and each worker
 * reads them through a prefetch thread ({@code AsyncMultiDataSetIterator}) that runs the partition's
 * iterator inside a cyclic ND4J workspace. Minibatches deserialised from that shuffle are therefore
 * allocated in workspace memory that the thread reuses for the next ones while the worker still
 * fits them: on the 1,000-product sample a fusion worker saw an impossible loss (10^9 to 10^23, or
 * negative) about once in 30 minibatches, always the second of a round, and one in four ten-epoch
 * runs ended in NaN. One worker never shuffles, which is why it never failed. So the averaging master
 * trains the cached minibatches where they are (our own {@code repartition(workers)} already gives
 * one partition per worker) without a prefetch thread: with either alone the impossible losses were
 * gone, and with both the epoch was 1.4x faster than before (no shuffle per round; the prefetch
 * thread had nothing to overlap with cached minibatches). {@code train.prefetch-batches} therefore
 * applies to gradient sharing only. {@link RoundLog} logs every worker's round at DEBUG. Measured
 * in docs/BENCHMARKS.md, "The averaging NaN".
 *
 * <p>Gradient sharing trains on the minibatch RDD as it is (no cache, no repartition), a barrier RDD
 * that closes a race of DL4J's in several tasks per JVM ({@link SharingGate}).
 *
 * <p>The parameter server's ports come from {@link SharingPorts}: the controller's on the driver, a free
 * one per executor JVM by default.
 *
 * <p>Gradient sharing needs {@code -Daeron.publication.unblock.timeout=60000000000} on the driver
 * and the executors (set by {@code jobs/lib/env.sh}); without it Aeron refuses to start.
 */
public final class TrainingMasters {
  private TrainingMasters() {}

  /** A training master for {@code workers} parallel workers. */
  public static TrainingMaster<?, ?> create(TrainSettings train, JavaSparkContext sc, int workers, String exportDir) {
    return switch (train.master()) {
      case AVERAGING -> new ParameterAveragingTrainingMaster.Builder(workers, train.batchSize())
          .batchSizePerWorker(train.batchSize())
          .averagingFrequency(train.averagingFrequency())
          // No prefetch thread and no reshuffle of the minibatches: see "Averaging and DL4J's prefetch
          // workspace" above (the averaging NaN).
          .workerPrefetchNumBatches(0)
          .repartionData(Repartition.Never)
          .rddTrainingApproach(RDDTrainingApproach.Direct)
          .storageLevel(StorageLevel.MEMORY_ONLY())
          .exportDirectory(exportDir)
          .saveUpdater(true)
          .rngSeed(train.seed())
          .collectTrainingStats(false)
          .trainingHooks(new RoundLog())
          .build();
      case SHARING -> {
        String controller = controller(train, sc);
        SharingPorts ports = new SharingPorts(train.sharingPort(), train.sharingWorkerPort());
        if (!ModelParameterServer.getInstance().isInitialized()) {
          ports.checkControllerPort();
        }
        VoidConfiguration voidConf = VoidConfiguration.builder()
            .portSupplier(ports)
            .controllerAddress(controller)
            .networkMask(train.sharingNetworkMask().isEmpty() ? mask16(controller) : train.sharingNetworkMask())
            .meshBuildMode(MeshBuildMode.PLAIN)
            .build();
        yield new SharedTrainingMaster.Builder(voidConf, workers,
            new AdaptiveThresholdAlgorithm(train.sharingThreshold()), train.batchSize())
            .batchSizePerWorker(train.batchSize())
            .workersPerNode(train.workersPerExecutor())
            .workerPrefetchNumBatches(train.prefetchBatches())
            .rddTrainingApproach(RDDTrainingApproach.Direct)
            // Neither cached nor repartitioned: DL4J must train on the gated barrier RDD itself (SharingGate).
            .storageLevel(null)
            .repartitioner(new NoOpRepartitioner())
            .exportDirectory(exportDir)
            .rngSeed(train.seed())
            .collectTrainingStats(false)
            .build();
      }
      case THREADS, AUTO -> throw new IllegalArgumentException("train.master = " + train.master()
          + " is not a DL4J Spark master: EpochTrainer.create resolves auto and gives threads a ThreadTrainer");
    };
  }

  static String controller(TrainSettings train, JavaSparkContext sc) {
    if (!train.sharingController().isEmpty()) {
      return train.sharingController();
    }
    return sc.getConf().get("spark.driver.host", "127.0.0.1");
  }

  static String mask16(String address) {
    String[] parts = address.split("\\.");
    if (parts.length != 4) {
      return "127.0.0.0/8";
    }
    return parts[0] + "." + parts[1] + ".0.0/16";
  }
}
