package io.catalogml.train;

import static org.apache.spark.sql.functions.col;

import io.catalogml.config.TrainSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.model.FeatureBatches;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Parameter averaging with the workers as threads of the driver JVM ({@code train.master = threads}),
 * for a local Spark master. The same rule as the Spark averaging master: each worker keeps the
 * products of one {@code product_id} hash partition, reorders them every epoch with a seed derived
 * from the epoch, fits {@code train.averaging-frequency} minibatches of them, and then every worker's
 * parameters and Adam state are replaced by their average. What it saves is the Spark side of each
 * round (a job, a broadcast of the network, the workers' results serialised back: about 65-100 ms a
 * round on 2 cores, docs/BENCHMARKS.md), which costs more than the steps for a small network.
 *
 * <p>The training rows are collected to the driver once (about 12 KB per product with a 64×64
 * image), and each worker thread builds its own minibatches from them. Every worker's sequence of
 * minibatches and the averaging order are fixed by the seed, so a run is repeatable bit for bit on
 * the same machine. Each worker should run ND4J on one thread ({@code OMP_NUM_THREADS=1}, as
 * {@code jobs/lib/env.sh} sets it): two workers with ND4J's default threads each ran at half the
 * speed of one.
 */
public final class ThreadTrainer implements EpochTrainer {
  private static final Logger LOG = LoggerFactory.getLogger(ThreadTrainer.class);

  private final ComputationGraph net;
  private final List<ComputationGraph> replicas = new ArrayList<>();
  private final List<List<Row>> partitions;
  private final ExecutorService pool;
  private final TrainSettings train;
  private final InputSpec spec;
  private final LabelMap labels;
  private final TrainingTargets targets;
  private final long examples;
  private double score = Double.NaN;

  /**
   * @param trainRows training rows with {@link FeatureBatches#COLUMNS}; every label in {@code labels}
   * @param workers worker threads, each with its own copy of the network
   */
  public ThreadTrainer(SparkSession spark, ComputationGraph net, TrainSettings train, InputSpec spec, LabelMap labels,
      Dataset<Row> trainRows, int workers) {
    requireLocalSpark(spark);
    this.targets = TrainingTargets.of(train, spec);
    String omp = System.getenv("OMP_NUM_THREADS");
    if (workers > 1 && !"1".equals(omp)) {
      LOG.warn("train.master = threads with {} workers and OMP_NUM_THREADS={}: each worker's ND4J ops use several "
          + "threads and the workers compete for the cores (measured at half the speed). Set OMP_NUM_THREADS=1, as "
          + "jobs/lib/env.sh does.", workers, omp == null ? "(unset)" : omp);
    }
    // The Spark averaging master's partitions: the same products go to the same worker.
    // Sorted, since a shuffle's blocks arrive in no fixed order: the seed alone decides each epoch's order.
    this.partitions = FeatureBatches.select(trainRows).repartition(workers, col("product_id")).javaRDD().glom()
        .collect().stream().map(p -> p.stream().sorted(Comparator.comparing((Row r) -> r.getString(0))).toList())
        .toList();
    this.examples = partitions.stream().mapToLong(List::size).sum();
    this.net = net;
    // A network that never stepped has no updater yet, and a clone copies Adam's state only when it has one.
    net.getUpdater();
    for (int w = 0; w < workers; w++) {
      ComputationGraph replica = net.clone();
      // clone() does not carry the step count, which Adam's bias correction reads: a resumed run goes on from it.
      replica.getConfiguration().setIterationCount(net.getConfiguration().getIterationCount());
      replicas.add(replica);
    }
    AtomicInteger n = new AtomicInteger();
    this.pool = Executors.newFixedThreadPool(workers, r -> {
      // ND4J's workspaces belong to the thread that used them: freed when the worker ends (close()).
      Runnable freeing = () -> {
        try {
          r.run();
        } finally {
          Nd4j.getWorkspaceManager().destroyAllWorkspacesForCurrentThread();
        }
      };
      Thread t = new Thread(freeing, "catalog-ml-train-worker-" + n.getAndIncrement());
      t.setDaemon(true);
      return t;
    });
    this.train = train;
    this.spec = spec;
    this.labels = labels;
    LOG.info("train.master = threads: {} workers in this JVM, {} training rows collected to the driver ({} per worker)",
        workers, examples, partitions.stream().map(p -> Integer.toString(p.size())).toList());
  }

  /** Fails unless Spark runs in this JVM ({@code local[N]}): the only place the worker threads can be. */
  static void requireLocalSpark(SparkSession spark) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    if (!sc.isLocal()) {
      throw CatalogErrors.threadsNeedLocalSpark(sc.master());
    }
  }

  @Override
  public void learningRate(double rate) {
    // DL4J 1.0.0-M2's clone() shares each layer's Adam settings with the original, so setting the network's
    // rate reaches the replicas already; each is set anyway, in case a later clone() copies them.
    for (ComputationGraph replica : replicas) {
      Dl4jTrainer.setAdamRate(replica, rate);
    }
    Dl4jTrainer.setAdamRate(net, rate);
  }

  @Override
  public ComputationGraph fitEpoch(int epoch) {
    List<List<List<Row>>> batches = new ArrayList<>();
    int rounds = 0;
    for (int w = 0; w < partitions.size(); w++) {
      List<Row> order = new ArrayList<>(partitions.get(w));
      Collections.shuffle(order, new Random(train.seed() * 1_000_003L + epoch * 1_009L + w));
      List<List<Row>> chunks = new ArrayList<>();
      for (int i = 0; i < order.size(); i += train.batchSize()) {
        chunks.add(order.subList(i, Math.min(order.size(), i + train.batchSize())));
      }
      batches.add(chunks);
      rounds = Math.max(rounds, (chunks.size() + train.averagingFrequency() - 1) / train.averagingFrequency());
    }
    double lossSum = 0;
    long steps = 0;
    for (int round = 0; round < rounds; round++) {
      List<Integer> active = new ArrayList<>();
      List<Callable<double[]>> tasks = new ArrayList<>();
      for (int w = 0; w < replicas.size(); w++) {
        int from = round * train.averagingFrequency();
        List<List<Row>> mine = batches.get(w);
        if (from < mine.size()) {
          active.add(w);
          long rngSeed = train.seed() * 1_000_003L + epoch * 1_009L + round * 31L + w;
          tasks.add(fitTask(replicas.get(w), mine.subList(from, Math.min(mine.size(), from + train.averagingFrequency())),
              rngSeed));
        }
      }
      for (double[] loss : run(tasks)) {
        lossSum += loss[0];
        steps += (long) loss[1];
      }
      average(active);
    }
    ComputationGraph first = replicas.get(0);
    net.params().assign(first.params());
    net.getUpdater().getStateViewArray().assign(first.getUpdater().getStateViewArray());
    net.getConfiguration().setIterationCount(first.getConfiguration().getIterationCount());
    net.getConfiguration().setEpochCount(epoch);
    score = steps > 0 ? lossSum / steps : Double.NaN;
    return net;
  }

  private Callable<double[]> fitTask(ComputationGraph replica, List<List<Row>> chunks, long rngSeed) {
    return () -> {
      // ND4J's random generator is per thread: seeded per worker and round, dropout masks do not depend on
      // which pool thread ran what before.
      Nd4j.getRandom().setSeed(rngSeed);
      double sum = 0;
      for (List<Row> chunk : chunks) {
        replica.fit(targets.minibatch(chunk, spec, labels));
        sum += replica.score();
      }
      return new double[] {sum, chunks.size()};
    };
  }

  private List<double[]> run(List<Callable<double[]>> tasks) {
    try {
      List<double[]> out = new ArrayList<>();
      for (Future<double[]> f : pool.invokeAll(tasks)) {
        out.add(f.get());
      }
      return out;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while the training threads ran", e);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      if (e.getCause() instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(e.getCause());
    }
  }

  /**
   * Replaces the parameters and Adam state of every worker by the mean over the workers of this round,
   * and their step counts (Adam's bias correction) by the largest: every worker starts the next round,
   * or a resumed run, from the same network.
   */
  private void average(List<Integer> active) {
    if (replicas.size() == 1) {
      return;
    }
    int iterations = replicas.stream().mapToInt(r -> r.getConfiguration().getIterationCount()).max().orElse(0);
    INDArray params = replicas.get(active.get(0)).params().dup();
    INDArray state = replicas.get(active.get(0)).getUpdater().getStateViewArray().dup();
    for (int i = 1; i < active.size(); i++) {
      params.addi(replicas.get(active.get(i)).params());
      state.addi(replicas.get(active.get(i)).getUpdater().getStateViewArray());
    }
    params.divi(active.size());
    state.divi(active.size());
    for (ComputationGraph replica : replicas) {
      replica.params().assign(params);
      replica.getUpdater().getStateViewArray().assign(state);
      replica.getConfiguration().setIterationCount(iterations);
    }
  }

  /** Mean loss of the epoch's minibatches over all workers. */
  @Override
  public double score() {
    return score;
  }

  @Override
  public long examples() {
    return examples;
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
