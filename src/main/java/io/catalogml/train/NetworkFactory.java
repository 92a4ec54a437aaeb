package io.catalogml.train;

import io.catalogml.config.ModelSettings;
import io.catalogml.model.Dl4jRuntime;
import io.catalogml.model.EmbeddingBag;
import io.catalogml.model.InputSpec;

import java.util.ArrayList;
import java.util.List;
import org.deeplearning4j.nn.conf.CacheMode;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.GradientNormalization;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.dropout.Dropout;
import org.deeplearning4j.nn.conf.graph.GraphVertex;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Convolution1DLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.EmbeddingSequenceLayer;
import org.deeplearning4j.nn.conf.layers.GlobalPoolingLayer;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.regularization.WeightDecay;
import org.nd4j.linalg.lossfunctions.impl.LossMCXENT;

/**
 * Builds the classifier as a DL4J {@link ComputationGraph} from configuration:
 * <pre>
 * tokens ─ embedding ─ mean (pool) | conv1d+max (cnn) ───────────────┐
 * image ─ [conv3x3 ─ relu ─ maxpool2] × filters ─ dense ─────────────┼─ merge ─ dropout+dense ─ softmax
 * (the first convolution with stride model.image.stride)
 * image_present ─────────────────────────────────────────────────────┘
 * </pre>
 * {@code text} mode keeps the first branch, {@code image} the last two, {@code fusion} all three.
 * A product without a usable image reads a zero image with {@code image_present = 0}, so the
 * fusion network learns to rely on the text for it.
 */
public final class NetworkFactory {
  private NetworkFactory() {}

  /**
   * A new, initialised network without weight decay.
   *
   * @param classWeights loss weight per class (null = unweighted)
   */
  public static ComputationGraph build(ModelSettings model, InputSpec spec, int classes, double learningRate,
      long seed, double[] classWeights) {
    return build(model, spec, classes, learningRate, 0, seed, classWeights);
  }

  /**
   * A new, initialised network.
   *
   * @param weightDecay decoupled weight decay of the weights, times the learning rate ({@code train.weight-decay}; 0 = none)
   * @param classWeights loss weight per class (null = unweighted)
   */
  public static ComputationGraph build(ModelSettings model, InputSpec spec, int classes, double learningRate,
      double weightDecay, long seed, double[] classWeights) {
    Dl4jRuntime.configure();
    ComputationGraphConfiguration.GraphBuilder g = new NeuralNetConfiguration.Builder()
        .seed(seed)
        .updater(new Adam(learningRate))
        .weightInit(WeightInit.RELU)
        // A bad minibatch early on can push the convolutions' Adam steps into NaN: clip each layer's gradient.
        .gradientNormalization(GradientNormalization.ClipL2PerLayer)
        .gradientNormalizationThreshold(5.0)
        // Keep each layer's forward output for its backward pass: a oneDNN convolution is not computed twice a step.
        .cacheMode(CacheMode.DEVICE)
        .graphBuilder()
        .addInputs(spec.inputs());
    List<String> merged = new ArrayList<>();
    List<InputType> types = new ArrayList<>();
    if (spec.mode().usesText()) {
      merged.add(textBranch(g, model, spec));
      // A bag of ids is [batch, tokenLength]; a bag of frequencies [batch, vocabulary]; for a sequence the size is
      // the vocabulary too: DL4J sets the embedding's nIn from it (the ids themselves are [batch, tokenLength]).
      types.add(spec.idBag() ? InputType.feedForward(spec.tokenLength())
          : spec.bag() ? InputType.feedForward(spec.vocabularySize())
          : InputType.recurrent(spec.vocabularySize(), spec.tokenLength()));
    }
    if (spec.mode().usesImage()) {
      merged.add(imageBranch(g, model));
      merged.add(InputSpec.IMAGE_PRESENT);
      types.add(InputType.convolutional(spec.imageHeight(), spec.imageWidth(), 3));
      types.add(InputType.feedForward(1));
    }
    String joined = merged.get(0);
    if (merged.size() > 1) {
      g.addVertex("merge", new MergeVertex(), merged.toArray(String[]::new));
      joined = "merge";
    }
    DenseLayer.Builder hidden = new DenseLayer.Builder().nOut(model.hiddenSize()).activation(Activation.RELU);
    if (model.dropout() > 0) {
      hidden.dropOut(new Dropout(1 - model.dropout()));
    }
    g.addLayer("hidden", hidden.build(), joined);
    // Weights in the network's data type (FLOAT), as a [1, classes] row, the shape LossMCXENT expects.
    LossMCXENT loss = classWeights == null ? new LossMCXENT()
        : new LossMCXENT(Nd4j.create(classWeights).castTo(DataType.FLOAT).reshape(1, classWeights.length));
    g.addLayer("output", new OutputLayer.Builder(loss).nOut(classes).activation(Activation.SOFTMAX)
        .weightInit(WeightInit.XAVIER).build(), "hidden");
    g.setOutputs("output");
    g.setInputTypes(types.toArray(InputType[]::new));
    ComputationGraphConfiguration conf = g.build();
    if (weightDecay > 0) {
      decayWeights(conf, weightDecay);
    }
    ComputationGraph net = new ComputationGraph(conf);
    net.init();
    return net;
  }

  /**
   * DL4J's {@link WeightDecay} with the learning rate applied (each step also adds {@code rate × weightDecay × w}
   * to the update, as AdamW does), set on every layer's weights and not on its biases. Set layer by layer
   * because the builder's global {@code weightDecay} left each layer with the decay listed twice in DL4J
   * 1.0.0-M2, and so applied twice a step.
   */
  private static void decayWeights(ComputationGraphConfiguration conf, double weightDecay) {
    for (GraphVertex vertex : conf.getVertices().values()) {
      if (vertex instanceof LayerVertex layer && layer.getLayerConf().getLayer() instanceof BaseLayer base) {
        base.setRegularization(new ArrayList<>(List.of(new WeightDecay(weightDecay, true))));
      }
    }
  }

  private static String textBranch(ComputationGraphConfiguration.GraphBuilder g, ModelSettings model, InputSpec spec) {
    if (spec.idBag()) {
      // The mean of the product's id embeddings, from the ids: the function of the frequency bag below.
      g.addLayer("embedding", new EmbeddingBag.Builder().nIn(spec.vocabularySize()).nOut(model.embeddingSize())
          .weightInit(WeightInit.XAVIER).build(), InputSpec.TOKENS);
      return "embedding";
    }
    if (spec.bag()) {
      // Id frequencies times the embedding matrix: the mean of the product's id embeddings, like the masked
      // average of EmbeddingSequenceLayer rows below, in one matrix product however many ids it has.
      g.addLayer("embedding", new DenseLayer.Builder().nIn(spec.vocabularySize()).nOut(model.embeddingSize())
          .activation(Activation.IDENTITY).hasBias(false).weightInit(WeightInit.XAVIER).build(), InputSpec.TOKENS);
      return "embedding";
    }
    g.addLayer("embedding", new EmbeddingSequenceLayer.Builder()
        .nIn(spec.vocabularySize()).nOut(model.embeddingSize()).inputLength(spec.tokenLength())
        .weightInit(WeightInit.XAVIER).build(), InputSpec.TOKENS);
    if (model.textEncoder() == ModelSettings.TextEncoder.CNN) {
      g.addLayer("text_conv", new Convolution1DLayer.Builder(3).nOut(model.embeddingSize() * 2)
          .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), "embedding");
      g.addLayer("text_pool", new GlobalPoolingLayer.Builder(PoolingType.MAX).build(), "text_conv");
    } else {
      g.addLayer("text_pool", new GlobalPoolingLayer.Builder(PoolingType.AVG).build(), "embedding");
    }
    return "text_pool";
  }

  private static String imageBranch(ComputationGraphConfiguration.GraphBuilder g, ModelSettings model) {
    String previous = InputSpec.IMAGE;
    List<Integer> filters = model.imageFilters();
    for (int i = 0; i < filters.size(); i++) {
      int stride = i == 0 ? model.imageStride() : 1;
      g.addLayer("conv" + i, new ConvolutionLayer.Builder(3, 3).stride(stride, stride).nOut(filters.get(i))
          .convolutionMode(ConvolutionMode.Same).activation(Activation.RELU).build(), previous);
      g.addLayer("pool" + i, new SubsamplingLayer.Builder(PoolingType.MAX).kernelSize(2, 2).stride(2, 2)
          .convolutionMode(ConvolutionMode.Same).build(), "conv" + i);
      previous = "pool" + i;
    }
    g.addLayer("image_dense", new DenseLayer.Builder().nOut(model.hiddenSize()).activation(Activation.RELU).build(),
        previous);
    return "image_dense";
  }
}
