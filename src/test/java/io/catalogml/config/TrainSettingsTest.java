package io.catalogml.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The learning rate a network gets for its workers and master ({@code train.scale-learning-rate}),
 * and the minibatch and rate for the size of its training split ({@code train.min-steps}).
 */
class TrainSettingsTest {
  private static TrainSettings train(String... overrides) {
    return ConfigLoader.load(List.of(Path.of("conf/examples/fashion.conf")), List.of(overrides)).train();
  }

  @Test
  void averagingMultipliesTheRateByTheWorkersByDefault() {
    TrainSettings averaging = train("train.master=averaging", "train.learning-rate=0.003");
    assertThat(averaging.scaleLearningRate()).as("the shipped default").isTrue();
    assertThat(averaging.learningRateFor(1)).isEqualTo(0.003);
    assertThat(averaging.learningRateFor(2)).isEqualTo(0.006);
    assertThat(averaging.learningRateFor(4)).isEqualTo(0.012);
    assertThat(train("train.master=threads", "train.learning-rate=0.003").learningRateFor(2))
        .as("averaging threads average their steps the same way").isEqualTo(0.006);
  }

  @Test
  void sharingAndAnUnscaledAveragingKeepTheConfiguredRate() {
    assertThat(train("train.master=sharing", "train.learning-rate=0.003").learningRateFor(2)).isEqualTo(0.003);
    assertThat(train("train.master=averaging", "train.learning-rate=0.003", "train.scale-learning-rate=false")
        .learningRateFor(2)).isEqualTo(0.003);
  }

  @Test
  void aLargeTrainingSplitKeepsTheShippedMinibatchAndRate() {
    TrainSettings full = train().forTrainingSet(8950, 1);
    assertThat(full.batchSize()).isEqualTo(128);
    assertThat(full.learningRate()).isEqualTo(0.006);
  }

  @Test
  void aSmallSplitGetsSmallerMinibatchesAndTheRateByTheSquareRoot() {
    // The bundled sample: 800 training products, 50 steps of 16 would be needed; the floor is 32.
    TrainSettings sample = train().forTrainingSet(800, 1);
    assertThat(sample.batchSize()).isEqualTo(32);
    assertThat(sample.learningRate()).isCloseTo(0.003, org.assertj.core.data.Offset.offset(1e-12));
    // Between the floor and the ceiling: 50 steps per worker exactly.
    TrainSettings two = train().forTrainingSet(6400, 2);
    assertThat(two.batchSize()).isEqualTo(64);
    assertThat(two.learningRate()).isCloseTo(0.006 * Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-12));
    assertThat(two.learningRateFor(2)).isCloseTo(2 * 0.006 * Math.sqrt(0.5), org.assertj.core.data.Offset.offset(1e-12));
  }

  @Test
  void aConfiguredMinibatchBelowTheFloorIsKept() {
    TrainSettings small = train("train.batch-size=8", "train.learning-rate=0.01").forTrainingSet(100, 1);
    assertThat(small.batchSize()).isEqualTo(8);
    assertThat(small.learningRate()).isEqualTo(0.01);
  }
}
