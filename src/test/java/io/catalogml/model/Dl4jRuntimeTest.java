package io.catalogml.model;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.ModelSettings;
import io.catalogml.train.NetworkFactory;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.layers.convolution.ConvolutionLayer;
import org.deeplearning4j.nn.layers.convolution.subsampling.SubsamplingLayer;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNConvHelper;
import org.deeplearning4j.nn.layers.mkldnn.MKLDNNSubsamplingHelper;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The shipped ND4J build runs the image branch through oneDNN, and the oneDNN layers compute what
 * DL4J's built-in layers compute: the same outputs, gradients and, after training, parameters.
 */
class Dl4jRuntimeTest {
  private String before;

  @BeforeEach
  void remember() {
    before = System.getProperty(Dl4jRuntime.HELPERS_DISABLED);
  }

  @AfterEach
  void restore() {
    if (before == null) {
      System.clearProperty(Dl4jRuntime.HELPERS_DISABLED);
    } else {
      System.setProperty(Dl4jRuntime.HELPERS_DISABLED, before);
    }
  }

  @Test
  void configureTurnsTheOneDnnLayersOnUnlessTheJvmSaysOtherwise() {
    System.clearProperty(Dl4jRuntime.HELPERS_DISABLED);
    ComputationGraph net = network();
    assertThat(Dl4jRuntime.oneDnnLayers()).as("the oneDNN build of ND4J is on the classpath and found").isTrue();
    assertThat(((ConvolutionLayer) net.getLayer("conv0")).getHelper()).isInstanceOf(MKLDNNConvHelper.class);
    assertThat(((SubsamplingLayer) net.getLayer("pool0")).getHelper()).isInstanceOf(MKLDNNSubsamplingHelper.class);
    assertThat(Dl4jRuntime.describe()).containsEntry("onednn-layers", "true").containsEntry("backend", "CPU");

    System.setProperty(Dl4jRuntime.HELPERS_DISABLED, "true");
    ComputationGraph builtin = network();
    assertThat(((ConvolutionLayer) builtin.getLayer("conv0")).getHelper()).isNull();
    assertThat(Dl4jRuntime.oneDnnLayers()).isFalse();
  }

  @Test
  void oneDnnLayersMatchTheBuiltInLayers() {
    ComputationGraph builtin = Dl4jRuntime.withHelpers(false, () -> network());
    ComputationGraph onednn = Dl4jRuntime.withHelpers(true, () -> network());
    assertThat(((ConvolutionLayer) onednn.getLayer("conv1")).getHelper()).isNotNull();
    Nd4j.getRandom().setSeed(7);
    INDArray image = Nd4j.rand(DataType.FLOAT, 6, 3, 24, 20).subi(0.5);
    INDArray present = Nd4j.ones(DataType.FLOAT, 6, 1);
    INDArray labels = Nd4j.zeros(DataType.FLOAT, 6, 5);
    for (int i = 0; i < 6; i++) {
      labels.putScalar(i, i % 5, 1);
    }
    assertThat(relativeDifference(builtin.output(image, present)[0], onednn.output(image, present)[0])).isLessThan(1e-5);

    for (ComputationGraph net : List.of(builtin, onednn)) {
      net.setInputs(image, present);
      net.setLabels(labels);
      net.computeGradientAndScore();
    }
    for (String param : builtin.gradient().gradientForVariable().keySet()) {
      assertThat(relativeDifference(builtin.gradient().getGradientFor(param), onednn.gradient().getGradientFor(param)))
          .as(param).isLessThan(1e-4);
    }
    MultiDataSet batch = new MultiDataSet(new INDArray[] {image, present}, new INDArray[] {labels});
    for (int i = 0; i < 15; i++) {
      builtin.fit(batch);
      onednn.fit(batch);
    }
    assertThat(relativeDifference(builtin.params(), onednn.params())).isLessThan(1e-3);
  }

  /** A small image network: 3x3 convolutions (stride 2 first) and 2x2 max pools, as the shipped one. */
  private static ComputationGraph network() {
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, ModelSettings.Mode.IMAGE,
        ModelSettings.TextEncoder.POOL, 8, 6, List.of(4, 8), 2, 16, 0, false);
    InputSpec spec = new InputSpec(ModelSettings.Mode.IMAGE, 6, 30, 20, 24, "p", "20x24-pad");
    return NetworkFactory.build(model, spec, 5, 0.01, 3, null);
  }

  private static double relativeDifference(INDArray expected, INDArray actual) {
    return expected.sub(actual).norm2Number().doubleValue() / Math.max(1e-12, expected.norm2Number().doubleValue());
  }
}
