package io.catalogml.model;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.graph.ComputationGraph;

/**
 * The networks of one JVM (an executor, or the driver in local mode), so that a model is
 * deserialised once per JVM and not once per task or partition. A network is not safe for
 * concurrent inference, so each running task borrows a copy of its own: the first is restored
 * from the broadcast bytes, further ones are cloned from it when tasks run side by side, and
 * every copy goes back to the pool when its task ends. At most {@link #MODELS} models are kept,
 * least recently used first out.
 */
final class NetworkCache {
  static final int MODELS = 4;

  private static final Map<String, Pool> POOLS = new LinkedHashMap<>(8, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Pool> eldest) {
      return size() > MODELS;
    }
  };

  private NetworkCache() {}

  /** One model's restored prototype and its free copies. */
  private static final class Pool {
    private final ComputationGraph prototype;
    private final Deque<ComputationGraph> free = new ArrayDeque<>();

    Pool(ComputationGraph prototype) {
      this.prototype = prototype;
    }
  }

  /**
   * A copy of model {@code key} for the calling task's sole use.
   *
   * @param restore deserialises the model; called once per JVM and key
   * @param onLoad told each time {@code restore} runs (for the job's load count)
   */
  static ComputationGraph borrow(String key, Supplier<ComputationGraph> restore, Runnable onLoad) {
    Pool pool;
    synchronized (POOLS) {
      pool = POOLS.get(key);
      if (pool == null) {
        pool = new Pool(restore.get());
        onLoad.run();
        POOLS.put(key, pool);
      }
    }
    synchronized (pool) {
      ComputationGraph net = pool.free.poll();
      return net != null ? net : pool.prototype.clone();
    }
  }

  /** Returns a borrowed copy; a copy of a model that left the cache is dropped. */
  static void giveBack(String key, ComputationGraph net) {
    Pool pool;
    synchronized (POOLS) {
      pool = POOLS.get(key);
    }
    if (pool != null) {
      synchronized (pool) {
        pool.free.push(net);
      }
    }
  }
}
