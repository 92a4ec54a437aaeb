package io.catalogml.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiFunction;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.LongAccumulator;
import org.apache.spark.util.TaskCompletionListener;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batched inference on the executors: the network travels once per executor as a broadcast of
 * its serialised bytes, is restored once per executor JVM ({@link NetworkCache}) and reused by
 * every task there, and each partition feeds its rows in minibatches through
 * {@link FeatureBatches}. Used by validation, test evaluation and scoring alike.
 */
public final class Predictor implements Serializable {
  /** Column that {@link #withProbabilities} adds: the class probabilities, {@code array<float>}. */
  public static final String PROBABILITIES = "probabilities";

  private final Broadcast<byte[]> model;
  private final String key;
  private final LongAccumulator loads;
  private final InputSpec spec;
  private final int batchSize;

  /** One product's prediction: its id, its label as stored, and the class probabilities. */
  public record Prediction(String productId, String label, float[] probabilities) implements Serializable {}

  /**
   * @param model the serialised network
   * @param key identifies the network in each JVM's cache (unique per model instance)
   * @param loads counts deserialisations across the cluster
   * @param spec what the network reads
   * @param batchSize rows per minibatch
   */
  public Predictor(Broadcast<byte[]> model, String key, LongAccumulator loads, InputSpec spec, int batchSize) {
    this.model = model;
    this.key = key;
    this.loads = loads;
    this.spec = spec;
    this.batchSize = batchSize;
  }

  /**
   * The predictions of rows that carry {@code product_id}, {@code label} and
   * {@link #PROBABILITIES} (a {@link Classifier#withProbabilities} result).
   */
  public static JavaRDD<Prediction> predictions(Dataset<Row> withProbabilities) {
    return withProbabilities.select("product_id", "label", PROBABILITIES).javaRDD()
        .map(r -> new Prediction(r.getString(0), r.getString(1), floats(r.getList(2))));
  }

  /** A {@link #PROBABILITIES} value as read from a row. */
  public static float[] floats(List<Float> probabilities) {
    float[] f = new float[probabilities.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = probabilities.get(i);
    }
    return f;
  }

  /** Serialised network (without updater state), for a broadcast. */
  public static byte[] bytes(ComputationGraph net) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, out, false);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Restores a network serialised by {@link #bytes}. */
  public static ComputationGraph restore(byte[] bytes) {
    Dl4jRuntime.configure();
    try {
      return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Predictions of a partition of features rows (rows carry {@link FeatureBatches#COLUMNS}). */
  public Iterator<Prediction> predict(Iterator<Row> rows) {
    return batched(rows, (net, batch) -> predictBatch(net, batch));
  }

  /**
   * The rows of a partition, each with {@link #PROBABILITIES} appended as its last field (rows
   * carry {@link FeatureBatches#COLUMNS} and any others, which pass through).
   */
  public Iterator<Row> withProbabilities(Iterator<Row> rows) {
    return batched(rows, (net, batch) -> {
      INDArray out = output(net, batch);
      List<Row> result = new ArrayList<>(batch.size());
      for (int i = 0; i < batch.size(); i++) {
        Row r = batch.get(i);
        Object[] values = new Object[r.length() + 1];
        for (int f = 0; f < r.length(); f++) {
          values[f] = r.get(f);
        }
        values[r.length()] = out.getRow(i).toFloatVector();
        result.add(RowFactory.create(values));
      }
      return result;
    });
  }

  private <T> Iterator<T> batched(Iterator<Row> rows, BiFunction<ComputationGraph, List<Row>, List<T>> batchFn) {
    if (!rows.hasNext()) {
      return Collections.emptyIterator();
    }
    ComputationGraph net = NetworkCache.borrow(key, () -> restore(model.value()), () -> {
      if (loads != null) {
        loads.add(1);
      }
    });
    TaskContext task = TaskContext.get();
    boolean[] returned = {false};
    Runnable giveBack = () -> {
      if (!returned[0]) {
        returned[0] = true;
        NetworkCache.giveBack(key, net);
      }
    };
    if (task != null) {
      task.addTaskCompletionListener((TaskCompletionListener) ctx -> giveBack.run());
    }
    Iterator<List<Row>> chunks = FeatureBatches.chunks(rows, batchSize);
    return new Iterator<>() {
      private Iterator<T> current = Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && chunks.hasNext()) {
          current = batchFn.apply(net, chunks.next()).iterator();
        }
        if (!current.hasNext() && task == null) {
          giveBack.run();
        }
        return current.hasNext();
      }

      @Override
      public T next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return current.next();
      }
    };
  }

  private INDArray output(ComputationGraph net, List<Row> batch) {
    FeatureBatches.Inputs in = FeatureBatches.inputs(batch, spec);
    return net.output(false, in.features(), in.masks())[0];
  }

  /** Predictions of one minibatch with a network already restored. */
  public List<Prediction> predictBatch(ComputationGraph net, List<Row> batch) {
    INDArray out = output(net, batch);
    List<Prediction> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Row r = batch.get(i);
      result.add(new Prediction(r.getAs("product_id"), r.getAs("label"), out.getRow(i).toFloatVector()));
    }
    return result;
  }
}
