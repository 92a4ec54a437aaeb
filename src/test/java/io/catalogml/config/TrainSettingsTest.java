package io.catalogml.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The learning rate a network gets for its workers and master ({@code train.scale-learning-rate}). */
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
  }

  @Test
  void sharingAndAnUnscaledAveragingKeepTheConfiguredRate() {
    assertThat(train("train.master=sharing", "train.learning-rate=0.003").learningRateFor(2)).isEqualTo(0.003);
    assertThat(train("train.master=averaging", "train.learning-rate=0.003", "train.scale-learning-rate=false")
        .learningRateFor(2)).isEqualTo(0.003);
  }
}
