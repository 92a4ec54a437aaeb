package io.catalogml.model;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Batched inference on the executors: the network travels once per executor as a broadcast of
 * its serialised bytes, each partition restores it once and feeds its rows in minibatches
 * through {@link FeatureBatches}. Used by validation, test evaluation and scoring alike.
 */
public final class Predictor implements Serializable {
  private final Broadcast<byte[]> model;
  private final InputSpec spec;
  private final int batchSize;

  /** One product's prediction: its id, its label as stored, and the class probabilities. */
  public record Prediction(String productId, String label, float[] probabilities) implements Serializable {}

  public Predictor(Broadcast<byte[]> model, InputSpec spec, int batchSize) {
    this.model = model;
    this.spec = spec;
    this.batchSize = batchSize;
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
    try {
      return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Predictions of a partition of features rows (rows carry {@link FeatureBatches#COLUMNS}). */
  public Iterator<Prediction> predict(Iterator<Row> rows) {
    if (!rows.hasNext()) {
      return java.util.Collections.emptyIterator();
    }
    ComputationGraph net = restore(model.value());
    Iterator<List<Row>> chunks = FeatureBatches.chunks(rows, batchSize);
    return new Iterator<>() {
      private Iterator<Prediction> current = java.util.Collections.emptyIterator();

      @Override
      public boolean hasNext() {
        while (!current.hasNext() && chunks.hasNext()) {
          current = predictBatch(net, chunks.next()).iterator();
        }
        return current.hasNext();
      }

      @Override
      public Prediction next() {
        hasNext();
        return current.next();
      }
    };
  }

  /** Predictions of one minibatch with a network already restored. */
  public List<Prediction> predictBatch(ComputationGraph net, List<Row> batch) {
    FeatureBatches.Inputs in = FeatureBatches.inputs(batch, spec);
    INDArray out = net.output(false, in.features(), in.masks())[0];
    List<Prediction> result = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Row r = batch.get(i);
      result.add(new Prediction(r.getAs("product_id"), r.getAs("label"), out.getRow(i).toFloatVector()));
    }
    return result;
  }
}
