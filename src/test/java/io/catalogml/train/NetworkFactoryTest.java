package io.catalogml.train;

import io.catalogml.config.ModelSettings;
import io.catalogml.config.TextSettings;
import io.catalogml.model.InputSpec;
import io.catalogml.preprocess.text.TextPipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** Every mode and text encoder builds a network that reads its inputs and gives probabilities. */
class NetworkFactoryTest {
  @ParameterizedTest
  @CsvSource({"text,pool,1", "text,cnn,1", "image,pool,1", "image,pool,2", "fusion,pool,2", "fusion,cnn,2"})
  void buildsAndPredicts(String mode, String encoder, int stride) {
    ModelSettings.Mode m = ModelSettings.Mode.valueOf(mode.toUpperCase());
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, m,
        ModelSettings.TextEncoder.valueOf(encoder.toUpperCase()), 8, 6, List.of(4, 8), stride, 16, 0.2, false);
    InputSpec spec = new InputSpec(m, 6, 30, 16, 16, "p", "16x16-pad");
    ComputationGraph net = NetworkFactory.build(model, spec, 5, 0.01, 3, null);
    assertThat(net.getConfiguration().getNetworkInputs()).containsExactly(spec.inputs());

    INDArray[] inputs = new INDArray[spec.inputs().length];
    INDArray[] masks = new INDArray[inputs.length];
    for (int i = 0; i < inputs.length; i++) {
      switch (spec.inputs()[i]) {
        case InputSpec.TOKENS -> {
          inputs[i] = Nd4j.createFromArray(new float[][] {{2, 3, 4, 0, 0, 0}, {5, 0, 0, 0, 0, 0}});
          masks[i] = Nd4j.createFromArray(new float[][] {{1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0}});
        }
        case InputSpec.IMAGE -> inputs[i] = Nd4j.rand(org.nd4j.linalg.api.buffer.DataType.FLOAT, 2, 3, 16, 16).subi(0.5);
        default -> inputs[i] = Nd4j.createFromArray(new float[][] {{1}, {0}});
      }
    }
    INDArray out = net.output(false, inputs, masks)[0];
    assertThat(out.shape()).containsExactly(2, 5);
    for (int r = 0; r < 2; r++) {
      assertThat(out.getRow(r).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
    }
    if (stride == 2) {
      ModelSettings full = new ModelSettings("m", ModelSettings.Type.DL4J, m, model.textEncoder(), 8, 6,
          List.of(4, 8), 1, 16, 0.2, false);
      assertThat(NetworkFactory.build(full, spec, 5, 0.01, 3, null).numParams())
          .as("stride 2 leaves a quarter of the pixels for the dense layer").isGreaterThan(net.numParams());
    }
  }

  @Test
  void aNetworkReadingSubwordsEmbedsTheBucketsAfterTheWordsAndAveragesThemInABag() {
    TextSettings subwords = new TextSettings(true, TextSettings.Digits.MASK, List.of(), true, 1, 100, 8, 16, 64, 2, 4,
        32);
    TextPipeline text = new TextPipeline(subwords, List.of("men", "tshirt"));
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, ModelSettings.Mode.TEXT,
        ModelSettings.TextEncoder.POOL, 8, 2, List.of(4), 1, 16, 0.0, false, 3);
    InputSpec bag = InputSpec.network(model, text, 16, 16, "16x16-pad");
    assertThat(bag.subwordTokens()).isEqualTo(3);
    assertThat(bag.bag()).as("pool reads a bag").isTrue();
    assertThat(bag.idBag()).as("...of the ids themselves").isTrue();
    assertThat(bag.vocabularySize()).isEqualTo(text.size()).isEqualTo(text.wordIds() + 64);
    ComputationGraph bagNet = NetworkFactory.build(model, bag, 5, 0.01, 3, null);
    assertThat(bagNet.getLayer("embedding").getParam("W").shape()).containsExactly(text.size(), 8);

    // The bag is the masked mean of the sequence's embeddings: the same weights give the same output.
    InputSpec sequence = new InputSpec(bag.mode(), bag.maxTokens(), bag.vocabularySize(), 16, 16, bag.textPipelineId(),
        bag.imageSpec(), bag.subwordTokens(), false);
    ComputationGraph sequenceNet = NetworkFactory.build(model, sequence, 5, 0.01, 3, null);
    assertThat(sequenceNet.numParams()).isEqualTo(bagNet.numParams());
    bagNet.setParams(sequenceNet.params());
    int s = text.wordIds();
    INDArray ids = Nd4j.createFromArray(new float[][] {{2, 3, s, s + 1, s}, {2, 0, s + 40, s + 63, 0}});
    INDArray mask = Nd4j.createFromArray(new float[][] {{1, 1, 1, 1, 1}, {1, 0, 1, 1, 0}});
    INDArray fromSequence = sequenceNet.output(false, new INDArray[] {ids}, new INDArray[] {mask})[0];
    INDArray bags = io.catalogml.model.FeatureBatches.bags(ids, mask, bag.vocabularySize());
    assertThat(bags.getFloat(0, s)).as("an id twice in five counts 2/5").isCloseTo(0.4f, within(1e-6f));
    INDArray fromBag = bagNet.output(false, new INDArray[] {io.catalogml.model.FeatureBatches.idBags(ids, mask)}, null)[0];
    for (int r = 0; r < 2; r++) {
      for (int c = 0; c < 5; c++) {
        assertThat(fromBag.getDouble(r, c)).isCloseTo(fromSequence.getDouble(r, c), within(1e-5));
      }
    }
    // Other subword ids, other output: the subword ids are read.
    assertThat(fromBag.getRow(0).toFloatVector()).isNotEqualTo(fromBag.getRow(1).toFloatVector());

    TextPipeline words = new TextPipeline(new TextSettings(true, TextSettings.Digits.MASK, List.of(), true, 1, 100, 8,
        16), List.of("men", "tshirt"));
    InputSpec wordsOnly = InputSpec.network(model, words, 16, 16, "16x16-pad");
    assertThat(wordsOnly.subwordTokens()).as("a pipeline without buckets has no subword ids to read").isZero();
    assertThat(wordsOnly.vocabularySize()).isEqualTo(words.wordIds());
    assertThat(wordsOnly.tokenLength()).isEqualTo(2);
  }

  @Test
  void weightDecayTakesTheSameStepsToSmallerWeights() {
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, ModelSettings.Mode.TEXT,
        ModelSettings.TextEncoder.POOL, 8, 6, List.of(4, 8), 1, 16, 0.0, false);
    InputSpec spec = new InputSpec(ModelSettings.Mode.TEXT, 6, 30, 16, 16, "p", "16x16-pad");
    ComputationGraph plain = NetworkFactory.build(model, spec, 5, 0.01, 0, 3, null);
    ComputationGraph decayed = NetworkFactory.build(model, spec, 5, 0.01, 0.5, 3, null);
    assertThat(decayed.params()).as("the same start").isEqualTo(plain.params());
    org.nd4j.linalg.dataset.MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {Nd4j.createFromArray(new float[][] {{2, 3, 4, 0, 0, 0}, {5, 0, 0, 0, 0, 0}})},
        new INDArray[] {Nd4j.createFromArray(new float[][] {{1, 0, 0, 0, 0}, {0, 1, 0, 0, 0}})},
        new INDArray[] {Nd4j.createFromArray(new float[][] {{1, 1, 1, 0, 0, 0}, {1, 0, 0, 0, 0, 0}})}, null);
    for (int i = 0; i < 20; i++) {
      plain.fit(batch);
      decayed.fit(batch);
    }
    assertThat(decayed.params().norm2Number().doubleValue()).isLessThan(plain.params().norm2Number().doubleValue());
    for (String layer : List.of("embedding", "hidden", "output")) {
      // Once per layer: DL4J's builder-wide weightDecay listed it twice, and applied it twice a step.
      assertThat(decayed.getLayer(layer).conf().getLayer().getRegularizationByParam("W")).as(layer)
          .extracting(Object::toString).singleElement().asString().contains("WeightDecay", "0.5", "applyLR=true");
      assertThat(decayed.getLayer(layer).conf().getLayer().getRegularizationByParam("b")).as(layer).isNullOrEmpty();
      assertThat(plain.getLayer(layer).conf().getLayer().getRegularizationByParam("W")).as(layer).isNullOrEmpty();
    }
  }
}
