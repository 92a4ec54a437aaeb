package io.catalogml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.config.ModelSettings;
import io.catalogml.train.NetworkFactory;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The embedding bag read from ids is the frequency bag's function: with the same parameters, the
 * same outputs, the same gradients and the same training steps, in text and fusion networks (where
 * its weights are not the first of the network's parameters), and it survives a save and a load.
 */
class EmbeddingBagTest {
  private static final int VOCABULARY = 40;
  private static final INDArray IDS = Nd4j.createFromArray(new float[][] {
      {2, 3, 30, 31, 30, 0}, {2, 0, 39, 12, 0, 0}, {1, 0, 0, 0, 0, 0}});
  private static final INDArray MASK = Nd4j.createFromArray(new float[][] {
      {1, 1, 1, 1, 1, 1}, {1, 0, 1, 1, 0, 0}, {1, 0, 0, 0, 0, 0}});

  private static ModelSettings model(ModelSettings.Mode mode) {
    return new ModelSettings("m", ModelSettings.Type.DL4J, mode, ModelSettings.TextEncoder.POOL, 8, 3, List.of(4),
        2, 16, 0.0, false, 3);
  }

  private static InputSpec spec(ModelSettings.Mode mode, boolean ids) {
    return new InputSpec(mode, 3, VOCABULARY, 8, 8, "p", "8x8-pad", 3, true, ids);
  }

  private static MultiDataSet batch(ModelSettings.Mode mode, boolean ids) {
    INDArray tokens = ids ? FeatureBatches.idBags(IDS, MASK) : FeatureBatches.bags(IDS, MASK, VOCABULARY);
    INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    INDArray[] features = mode == ModelSettings.Mode.TEXT ? new INDArray[] {tokens}
        : new INDArray[] {tokens, Nd4j.arange(3 * 3 * 8 * 8).castTo(DataType.FLOAT).divi(3 * 3 * 8 * 8).subi(0.5).reshape(3, 3, 8, 8),
            Nd4j.createFromArray(new float[][] {{1}, {0}, {1}})};
    return new MultiDataSet(features, new INDArray[] {labels});
  }

  @ParameterizedTest
  @EnumSource(value = ModelSettings.Mode.class, names = {"TEXT", "FUSION"})
  void readsTheIdsAsTheFrequencyBagDoes(ModelSettings.Mode mode) {
    ComputationGraph frequencies = NetworkFactory.build(model(mode), spec(mode, false), 4, 0.01, 3, null);
    ComputationGraph ids = NetworkFactory.build(model(mode), spec(mode, true), 4, 0.01, 3, null);
    assertThat(ids.getLayer("embedding")).isInstanceOf(EmbeddingBagLayer.class);
    assertThat(ids.numParams()).as("the same parameters: W only, no bias").isEqualTo(frequencies.numParams());
    assertThat(ids.getParam("embedding_W").shape()).containsExactly(VOCABULARY, 8);
    ids.setParams(frequencies.params());
    MultiDataSet fromFrequencies = batch(mode, false);
    MultiDataSet fromIds = batch(mode, true);
    assertThat(fromIds.getFeatures(0).getRow(1).toFloatVector()).containsExactly(2, -1, 39, 12, -1, -1);
    assertSameFunction(ids, fromIds, frequencies, fromFrequencies);
  }

  /** Weights after another layer's in the network's parameters: a view at an offset of its buffer. */
  @Test
  void readsAndWritesItsWeightsWhereverTheyLieInTheNetworksParameters() {
    ComputationGraph frequencies = graphWithADenseLayerFirst(false);
    ComputationGraph ids = graphWithADenseLayerFirst(true);
    assertThat(ids.getParam("embedding_W").data().offset()).as("not the first parameters").isPositive();
    ids.setParams(frequencies.params());
    INDArray other = Nd4j.createFromArray(new float[][] {{0.5f, -1}, {2, 0}, {0, 1}});
    INDArray labels = Nd4j.createFromArray(new float[][] {{1, 0, 0, 0}, {0, 0, 1, 0}, {0, 0, 0, 1}});
    MultiDataSet fromIds = new MultiDataSet(new INDArray[] {other, FeatureBatches.idBags(IDS, MASK)},
        new INDArray[] {labels});
    MultiDataSet fromFrequencies = new MultiDataSet(new INDArray[] {other, FeatureBatches.bags(IDS, MASK, VOCABULARY)},
        new INDArray[] {labels});
    INDArray w = ids.getParam("embedding_W");
    INDArray bag = ids.feedForward(fromIds.getFeatures(), false).get("embedding");
    INDArray mean = w.getRow(2).add(w.getRow(39)).add(w.getRow(12)).divi(3);
    assertClose(bag.getRow(1), mean, 1e-6);
    assertSameFunction(ids, fromIds, frequencies, fromFrequencies);
  }

  private static ComputationGraph graphWithADenseLayerFirst(boolean ids) {
    var g = new org.deeplearning4j.nn.conf.NeuralNetConfiguration.Builder().seed(3)
        .updater(new org.nd4j.linalg.learning.config.Adam(0.01)).graphBuilder().addInputs("other", "tokens")
        .addLayer("dense", new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(2).nOut(3).build(), "other")
        .addLayer("embedding", ids
            ? new EmbeddingBag.Builder().nIn(VOCABULARY).nOut(8).build()
            : new org.deeplearning4j.nn.conf.layers.DenseLayer.Builder().nIn(VOCABULARY).nOut(8).hasBias(false)
                .activation(org.nd4j.linalg.activations.Activation.IDENTITY).build(), "tokens")
        .addVertex("merge", new org.deeplearning4j.nn.conf.graph.MergeVertex(), "dense", "embedding")
        .addLayer("output", new org.deeplearning4j.nn.conf.layers.OutputLayer.Builder().nOut(4)
            .activation(org.nd4j.linalg.activations.Activation.SOFTMAX).build(), "merge")
        .setOutputs("output")
        .setInputTypes(org.deeplearning4j.nn.conf.inputs.InputType.feedForward(2),
            org.deeplearning4j.nn.conf.inputs.InputType.feedForward(ids ? IDS.columns() : VOCABULARY));
    ComputationGraph net = new ComputationGraph(g.build());
    net.init();
    return net;
  }

  /** The same outputs, gradients, score and five training steps, with the same parameters. */
  private static void assertSameFunction(ComputationGraph ids, MultiDataSet fromIds, ComputationGraph frequencies,
      MultiDataSet fromFrequencies) {
    INDArray initial = ids.params().dup();
    INDArray expected = frequencies.output(false, fromFrequencies.getFeatures())[0];
    INDArray actual = ids.output(false, fromIds.getFeatures())[0];
    assertClose(actual, expected, 1e-5);

    frequencies.setInputs(fromFrequencies.getFeatures());
    frequencies.setLabels(fromFrequencies.getLabels());
    frequencies.computeGradientAndScore();
    ids.setInputs(fromIds.getFeatures());
    ids.setLabels(fromIds.getLabels());
    ids.computeGradientAndScore();
    INDArray expectedGradient = frequencies.gradient().getGradientFor("embedding_W");
    assertThat(expectedGradient.amaxNumber().doubleValue()).as("a gradient to compare").isGreaterThan(1e-4);
    assertClose(ids.gradient().getGradientFor("embedding_W"), expectedGradient, 1e-6);
    assertClose(ids.gradient().gradient(), frequencies.gradient().gradient(), 1e-6);
    assertThat(ids.score()).isCloseTo(frequencies.score(), within(1e-5));

    for (int step = 0; step < 5; step++) {
      frequencies.fit(fromFrequencies);
      ids.fit(fromIds);
    }
    assertClose(ids.params(), frequencies.params(), 1e-4);
    assertThat(ids.params()).as("it trained").isNotEqualTo(initial);
  }

  /** A checkpoint made before EmbeddingBag (a dense layer over frequencies) resumes reading frequencies. */
  @Test
  void aSpecTakesTheBagLayoutOfTheNetworkItFeeds() {
    InputSpec ids = spec(ModelSettings.Mode.FUSION, true);
    ComputationGraph old = NetworkFactory.build(model(ModelSettings.Mode.FUSION), spec(ModelSettings.Mode.FUSION, false),
        4, 0.01, 3, null);
    ComputationGraph current = NetworkFactory.build(model(ModelSettings.Mode.FUSION), ids, 4, 0.01, 3, null);
    assertThat(ids.layoutOf(old).idBag()).isFalse();
    assertThat(ids.layoutOf(old).bag()).isTrue();
    assertThat(ids.layoutOf(current)).isEqualTo(ids);
    assertThat(spec(ModelSettings.Mode.FUSION, false).layoutOf(current).idBag()).isTrue();
    old.fit(batch(ModelSettings.Mode.FUSION, false));
    assertThat(current.getLayer("embedding").conf().getLayer()).isInstanceOf(EmbeddingBag.class);
    assertThat(((EmbeddingBag) current.getLayer("embedding").conf().getLayer()).getActivationFn().toString())
        .as("the configuration says what the layer computes").isEqualTo("identity");
  }

  @Test
  void survivesASaveAndALoadAndRefusesIdsOutsideItsVocabulary() throws Exception {
    ComputationGraph net = NetworkFactory.build(model(ModelSettings.Mode.TEXT), spec(ModelSettings.Mode.TEXT, true),
        4, 0.01, 3, null);
    MultiDataSet data = batch(ModelSettings.Mode.TEXT, true);
    net.fit(data);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    ModelSerializer.writeModel(net, bytes, true);
    ComputationGraph back = ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    assertThat(back.getLayer("embedding")).isInstanceOf(EmbeddingBagLayer.class);
    assertThat(back.output(false, data.getFeatures())[0]).isEqualTo(net.output(false, data.getFeatures())[0]);

    INDArray outside = Nd4j.createFromArray(new float[][] {{2, VOCABULARY, -1}});
    assertThatThrownBy(() -> net.output(false, outside)).hasStackTraceContaining("not an id of its vocabulary of 40");
  }

  private static void assertClose(INDArray actual, INDArray expected, double tolerance) {
    assertThat(actual.shape()).containsExactly(expected.shape());
    double[] a = actual.dup().data().asDouble();
    double[] e = expected.dup().data().asDouble();
    for (int i = 0; i < e.length; i++) {
      assertThat(a[i]).as("element %d", i).isCloseTo(e[i], within(tolerance));
    }
  }
}
