package io.catalogml.model;

import java.util.Collection;
import java.util.Map;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.layers.LayerValidation;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.nn.conf.memory.MemoryReport;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationIdentity;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Configuration of a DL4J layer that averages the embeddings of a product's ids (fastText's
 * embedding bag), read from the ids themselves: input {@code [batch, slots]} ids as floats with
 * {@link #EMPTY} in the unused slots, output {@code [batch, nOut]}, the mean of the rows of the
 * {@code [nIn, nOut]} matrix {@code W} that the ids name (an id twice counts twice). No bias, no
 * activation, no dropout.
 *
 * <p>It computes what a bias-free {@code DenseLayer} computes from the ids' frequencies over the
 * whole vocabulary ({@code [batch, nIn]}, the bag layout of packages written before it), with the
 * same parameter {@code W} in the same order, but its cost grows with the ids of the minibatch, not
 * with the vocabulary: no matrix product over every id the vocabulary has, no such input to build,
 * and no gradient for the input (it is a network input). {@link EmbeddingBagLayer} does the work.
 * The class name is written into every network configuration that uses it: keep it.
 */
public class EmbeddingBag extends FeedForwardLayer {
  /** The id of an unused slot. */
  public static final float EMPTY = -1f;

  /** For Jackson, which reads the layer back from a network's JSON configuration. */
  public EmbeddingBag() {
    setActivationFn(new ActivationIdentity());
  }

  private EmbeddingBag(Builder builder) {
    super(builder);
    initializeConstraints(builder);
    if (builder.getIDropout() != null || builder.getWeightNoise() != null) {
      throw new IllegalArgumentException("EmbeddingBag takes no dropout and no weight noise");
    }
    // What the layer computes, so that the network's configuration says so (the graph's default is sigmoid).
    setActivationFn(new ActivationIdentity());
  }

  @Override
  public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int layerIndex,
      INDArray layerParamsView, boolean initializeParams, DataType networkDataType) {
    LayerValidation.assertNInNOutSet("EmbeddingBag", getLayerName(), layerIndex, getNIn(), getNOut());
    EmbeddingBagLayer layer = new EmbeddingBagLayer(conf, networkDataType);
    layer.setListeners(listeners);
    layer.setIndex(layerIndex);
    layer.setParamsViewArray(layerParamsView);
    Map<String, INDArray> params = initializer().init(conf, layerParamsView, initializeParams);
    layer.setParamTable(params);
    layer.setConf(conf);
    return layer;
  }

  @Override
  public ParamInitializer initializer() {
    return WeightsOnly.INSTANCE;
  }

  /** {@code nIn} is the vocabulary, set by the builder; the input's width is the number of slots. */
  @Override
  public void setNIn(InputType inputType, boolean override) {
    // nIn stays the vocabulary.
  }

  @Override
  public InputType getOutputType(int layerIndex, InputType inputType) {
    return InputType.feedForward(getNOut());
  }

  @Override
  public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
    return null;
  }

  @Override
  public LayerMemoryReport getMemoryReport(InputType inputType) {
    InputType out = getOutputType(-1, inputType);
    long params = initializer().numParams(this);
    return new LayerMemoryReport.Builder(layerName, EmbeddingBag.class, inputType, out)
        .standardMemory(params, getIUpdater().stateSize(params))
        .workingMemory(0, 0, 0, out.arrayElementsPerExample())
        .cacheMemory(MemoryReport.CACHE_MODE_ALL_ZEROS, MemoryReport.CACHE_MODE_ALL_ZEROS)
        .build();
  }

  /** DL4J's weight and bias layout without the bias: {@code W} only, {@code [nIn, nOut]} in 'f' order. */
  static final class WeightsOnly extends DefaultParamInitializer {
    static final WeightsOnly INSTANCE = new WeightsOnly();

    @Override
    protected boolean hasBias(org.deeplearning4j.nn.conf.layers.Layer layer) {
      return false;
    }

    @Override
    protected boolean hasLayerNorm(org.deeplearning4j.nn.conf.layers.Layer layer) {
      return false;
    }
  }

  /** Builds an {@link EmbeddingBag}: {@code nIn} the vocabulary, {@code nOut} the embedding size. */
  public static final class Builder extends FeedForwardLayer.Builder<Builder> {
    @Override
    @SuppressWarnings("unchecked")
    public EmbeddingBag build() {
      return new EmbeddingBag(this);
    }
  }
}
