package io.catalogml.model;

import org.deeplearning4j.exception.DL4JInvalidInputException;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.concurrency.AffinityManager;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The working layer of an {@link EmbeddingBag}: each output row is the mean of the rows of
 * {@code W} that its input row's ids name, computed from those ids alone, and the backward pass
 * adds each output row's gradient, over its number of ids, into the rows of {@code W}'s gradient
 * those ids name. Both read and write ND4J's float buffers directly on the host (on a GPU backend
 * the arrays are brought to the host and tagged as written there; that path is not tested here, where
 * there is no GPU); the network must be float.
 */
public class EmbeddingBagLayer extends BaseLayer<EmbeddingBag> {
  /**
   * @param conf the layer's configuration
   * @param dataType the network's data type (float)
   */
  public EmbeddingBagLayer(NeuralNetConfiguration conf, DataType dataType) {
    super(conf, dataType);
  }

  @Override
  public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(false);
    Bags bags = bags(input, layerConf().getNIn());
    INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
    // On a GPU backend the weights are read on the host: bring them there first (a no-op on the CPU).
    Nd4j.getAffinityManager().ensureLocation(w, AffinityManager.Location.HOST);
    FloatIndexer weights = floats(w);
    int width = (int) layerConf().getNOut();
    long rowStride = w.stride(0);
    long columnStride = w.stride(1);
    float[] out = new float[bags.rows() * width];
    for (int j = 0; j < width; j++) {
      long column = j * columnStride;
      for (int r = 0; r < bags.rows(); r++) {
        float sum = 0;
        for (int k = bags.start()[r]; k < bags.start()[r + 1]; k++) {
          sum += weights.get(bags.ids()[k] * rowStride + column);
        }
        out[r * width + j] = bags.count(r) == 0 ? 0 : sum / bags.count(r);
      }
    }
    INDArray result = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(),
        new long[] {bags.rows(), width}, 'c');
    result.data().setData(out);
    Nd4j.getAffinityManager().tagLocation(result, AffinityManager.Location.HOST);
    return result;
  }

  @Override
  public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
    assertInputSet(true);
    Bags bags = bags(input, layerConf().getNIn());
    INDArray gradientView = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
    gradientView.assign(0);
    Nd4j.getAffinityManager().ensureLocation(gradientView, AffinityManager.Location.HOST);
    FloatIndexer gradient = floats(gradientView);
    float[] eps = flat(epsilon);
    int width = (int) layerConf().getNOut();
    long rowStride = gradientView.stride(0);
    long columnStride = gradientView.stride(1);
    for (int j = 0; j < width; j++) {
      long column = j * columnStride;
      for (int r = 0; r < bags.rows(); r++) {
        if (bags.count(r) == 0) {
          continue;
        }
        float share = eps[r * width + j] / bags.count(r);
        for (int k = bags.start()[r]; k < bags.start()[r + 1]; k++) {
          long at = bags.ids()[k] * rowStride + column;
          gradient.put(at, gradient.get(at) + share);
        }
      }
    }
    // Written on the host: a GPU backend copies it to the device before the updater reads it.
    Nd4j.getAffinityManager().tagLocation(gradientView, AffinityManager.Location.HOST);
    Gradient result = new DefaultGradient();
    result.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, gradientView);
    // A network input: no gradient for the layer below.
    return new Pair<>(result, null);
  }

  @Override
  public boolean hasBias() {
    return false;
  }

  @Override
  public boolean hasLayerNorm() {
    return false;
  }

  @Override
  public boolean isPretrainLayer() {
    return false;
  }

  @Override
  public Type type() {
    return Type.FEED_FORWARD;
  }

  /** The values of a matrix, row after row, in one copy (not one op per row, as {@code toFloatMatrix}). */
  private static float[] flat(INDArray matrix) {
    INDArray rows = matrix.ordering() == 'c' && !matrix.isView() && matrix.data().length() == matrix.length() ? matrix
        : matrix.dup('c');
    return rows.data().asFloat();
  }

  /** The buffer of {@code array}, indexed from the array's first element (ND4J's views carry their offset). */
  private static FloatIndexer floats(INDArray array) {
    if (array.dataType() != DataType.FLOAT || !(array.data().indexer() instanceof FloatIndexer indexer)) {
      throw new IllegalStateException("EmbeddingBag needs a float network, got " + array.dataType());
    }
    return indexer;
  }

  /**
   * The ids of a minibatch, row after row ({@code ids[start[r] .. start[r + 1])} are row r's).
   */
  private record Bags(int rows, int[] start, long[] ids) {
    int count(int r) {
      return start[r + 1] - start[r];
    }
  }

  private Bags bags(INDArray input, long vocabulary) {
    if (input.rank() != 2) {
      throw new DL4JInvalidInputException("EmbeddingBag " + layerId() + " reads [batch, slots] ids, got shape "
          + java.util.Arrays.toString(input.shape()));
    }
    int rows = (int) input.size(0);
    int width = (int) input.size(1);
    float[] slots = flat(input);
    int n = 0;
    for (float id : slots) {
      n += id == EmbeddingBag.EMPTY ? 0 : 1;
    }
    int[] start = new int[rows + 1];
    long[] ids = new long[n];
    int k = 0;
    for (int r = 0; r < rows; r++) {
      start[r] = k;
      for (int t = r * width; t < (r + 1) * width; t++) {
        float id = slots[t];
        if (id == EmbeddingBag.EMPTY) {
          continue;
        }
        if (id < 0 || id >= vocabulary || id != Math.rint(id)) {
          throw new DL4JInvalidInputException("EmbeddingBag " + layerId() + ": id " + id + " in row " + r
              + " is not an id of its vocabulary of " + vocabulary + " (or " + EmbeddingBag.EMPTY + " for an empty slot)");
        }
        ids[k++] = (long) id;
      }
    }
    start[rows] = k;
    return new Bags(rows, start, ids);
  }
}
