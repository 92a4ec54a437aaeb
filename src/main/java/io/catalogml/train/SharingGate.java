package io.catalogml.train;

import io.catalogml.model.FeatureBatches;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import java.io.Serializable;
import java.lang.reflect.Field;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.BarrierTaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Row;
import org.deeplearning4j.spark.parameterserver.pw.SharedTrainingWrapper;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.collection.JavaConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;
import scala.runtime.AbstractFunction1;

/**
 * Closes a race of DL4J 1.0.0-M2's gradient sharing when an executor JVM runs several training
 * tasks at once (local mode, multi-core executors). In each JVM the first task to arrive becomes
 * the "master" and trains on every partition attached to {@code SharedTrainingWrapper}; the
 * others attach their partition and wait until it has been consumed. When the master drained the
 * attached partitions before a slower task attached its own, the master ends the epoch, resets the
 * list of partitions, and the late task waits forever for a master that will not come: the
 * training hangs. Before this gate a training stalled for good in about 1 of 30 runs of
 * {@code GradientSharingTest} on local[2], only from the second epoch on; the thread dump of one
 * such stall shows exactly this: the only training task left (task 22 of its stage: DL4J's default
 * repartitioner had cut the epoch into many more partitions than task slots, so tasks arrived in
 * waves) waiting in {@code BlockingObserver.waitTillDone} as a feeder, and no master.
 *
 * <p>The gate makes the minibatch RDD a barrier RDD, so that every task of the epoch is running
 * before any of them hands its partition to DL4J, and counts the non-empty partitions that arrive
 * in this JVM. The master's iterator over its own partition does not report its end until every
 * partition that arrived here is attached to the wrapper (read from its fields: DL4J has no API
 * for it), or {@link #ATTACH_TIMEOUT_MS} passed. A barrier stage needs a free task slot for every
 * partition (train.workers at most the cluster's cores) and no dynamic allocation.
 */
final class SharingGate {
  private static final Logger LOG = LoggerFactory.getLogger(SharingGate.class);
  /** How long the master's partition waits at its end for the other partitions of its JVM to attach. */
  static final long ATTACH_TIMEOUT_MS = 120_000;
  private static final Map<String, AtomicInteger> ARRIVED = new ConcurrentHashMap<>();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private SharingGate() {}

  /** Minibatches of {@code rows} as a barrier RDD whose partitions wait for each other at their end. */
  static JavaRDD<MultiDataSet> batches(JavaRDD<Row> rows, int batchSize, InputSpec spec, LabelMap labels,
      TrainingTargets targets, Join join) {
    ClassTag<MultiDataSet> tag = ClassTag$.MODULE$.apply(MultiDataSet.class);
    RDD<MultiDataSet> gated = rows.rdd().barrier().mapPartitions(new Gated(batchSize, spec, labels, targets, join),
        false, tag);
    return JavaRDD.fromRDD(gated, tag);
  }

  /**
   * Where an executor's node joins the parameter server, and how long it may take ({@link SharingJoinWatch}).
   *
   * @param controller the driver's controller address
   * @param port the controller's UDP port
   * @param timeoutSeconds seconds an executor's node may take to join
   */
  record Join(String controller, int port, int timeoutSeconds) implements Serializable {}

  /** The task side: rendezvous with the other tasks, then count this partition in if it has data. */
  private static final class Gated extends AbstractFunction1<scala.collection.Iterator<Row>,
      scala.collection.Iterator<MultiDataSet>> implements Serializable {
    private static final long serialVersionUID = 1L;
    private final int batchSize;
    private final InputSpec spec;
    private final LabelMap labels;
    private final TrainingTargets targets;
    private final Join join;

    Gated(int batchSize, InputSpec spec, LabelMap labels, TrainingTargets targets, Join join) {
      this.batchSize = batchSize;
      this.spec = spec;
      this.labels = labels;
      this.targets = targets;
      this.join = join;
    }

    @Override
    public scala.collection.Iterator<MultiDataSet> apply(scala.collection.Iterator<Row> rows) {
      BarrierTaskContext context = BarrierTaskContext.get();
      context.barrier();
      if (!SharingPorts.onDriver()) {
        SharingJoinWatch.arm(join.controller(), join.port(), join.timeoutSeconds(), SharingJoinWatch::joined,
            context::isCompleted);
      }
      String stage = context.stageId() + "." + context.stageAttemptNumber();
      Iterator<MultiDataSet> batches = SparkTrainer.dataSets(JavaConverters.asJavaIterator(rows), batchSize, spec,
          labels, targets);
      boolean empty = !batches.hasNext(); // DL4J skips an empty partition without attaching it
      if (!empty) {
        ARRIVED.computeIfAbsent(stage, k -> new AtomicInteger()).incrementAndGet();
        context.addTaskCompletionListener(c -> {
          AtomicInteger n = ARRIVED.get(stage);
          if (n != null && n.decrementAndGet() <= 0) {
            ARRIVED.remove(stage, n);
          }
        });
      }
      return JavaConverters.asScalaIterator(empty ? batches : new WaitAtEnd(batches, stage));
    }
  }

  /** Holds back the end of a partition while a master trains and a partition of its JVM is not attached yet. */
  private static final class WaitAtEnd implements Iterator<MultiDataSet> {
    private final Iterator<MultiDataSet> inner;
    private final String stage;
    private boolean waited;

    WaitAtEnd(Iterator<MultiDataSet> inner, String stage) {
      this.inner = inner;
      this.stage = stage;
    }

    @Override
    public boolean hasNext() {
      if (inner.hasNext()) {
        return true;
      }
      if (!waited) {
        waited = true;
        awaitAttached(stage);
      }
      return false;
    }

    @Override
    public MultiDataSet next() {
      return inner.next();
    }
  }

  /** Waits while a master trains in this JVM and fewer partitions are attached than arrived for the stage. */
  static void awaitAttached(String stage) {
    AtomicInteger arrived = ARRIVED.get(stage);
    if (arrived == null) {
      return;
    }
    long deadline = System.currentTimeMillis() + ATTACH_TIMEOUT_MS;
    while (true) {
      Integer attached = attached();
      if (attached == null || attached >= arrived.get()) {
        return;
      }
      if (System.currentTimeMillis() > deadline) {
        LOG.warn("gradient sharing: {} of {} partitions of stage {} attached after {} ms; ending the master's "
            + "partition anyway", attached, arrived.get(), stage, ATTACH_TIMEOUT_MS);
        return;
      }
      try {
        Thread.sleep(5);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      }
    }
  }

  /**
   * Partitions attached to DL4J's wrapper while a master trains, or null when no master trains
   * in this JVM (Spark's own count of the RDD, say) or the wrapper's fields cannot be read.
   */
  private static Integer attached() {
    try {
      Field instance = SharedTrainingWrapper.class.getDeclaredField("INSTANCE");
      instance.setAccessible(true);
      Object wrapper = instance.get(null);
      Field first = SharedTrainingWrapper.class.getDeclaredField("isFirst");
      first.setAccessible(true);
      if (!((AtomicBoolean) first.get(wrapper)).get()) {
        return null;
      }
      Field list = SharedTrainingWrapper.class.getDeclaredField("iteratorsMDS");
      list.setAccessible(true);
      return ((List<?>) list.get(wrapper)).size();
    } catch (ReflectiveOperationException | RuntimeException e) {
      if (WARNED.compareAndSet(false, true)) {
        LOG.warn("gradient sharing: cannot read SharedTrainingWrapper's state ({}); partitions are not gated", e);
      }
      return null;
    }
  }
}
