package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.config.TrainSettings;
import io.catalogml.config.TrainSettings.RateDecay;
import java.nio.file.Path;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * {@code train.decay-at}: which epochs train at the lowered rate, and that a rate set between epochs
 * reaches every copy of the network that trains, under both averaging masters on the sample's
 * fusion network: at a billionth of the rate an epoch leaves the weights where they were (a copy
 * left at the old rate would move them), Adam's moments survive the change, and the full rate moves
 * them again.
 */
class RateDecayTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static TrainFixtures.TrainingSplit split;

  @BeforeAll
  static void sample() {
    split = TrainFixtures.trainingSplit(spark, dir);
  }

  @Test
  void theEpochsAfterTheShareTrainAtTheFactor() {
    RateDecay quarter = new RateDecay(0.75, 0.1);
    assertThat(quarter.factor(60, 80)).isEqualTo(1.0);
    assertThat(quarter.factor(61, 80)).isEqualTo(0.1);
    assertThat(quarter.factor(80, 80)).isEqualTo(0.1);
    assertThat(quarter.factor(3, 4)).as("round(0.75 x 4) = 3 epochs at the full rate").isEqualTo(1.0);
    assertThat(quarter.factor(4, 4)).isEqualTo(0.1);
    assertThat(quarter.decays(80)).isTrue();
    assertThat(quarter.decays(1)).as("one epoch: round(0.75) = 1, nothing after it").isFalse();
    assertThat(new RateDecay(0, 0.1).factor(80, 80)).isEqualTo(1.0);
    assertThat(new RateDecay(0, 0.1).decays(80)).isFalse();
    assertThat(RateDecay.NONE.decays(80)).isFalse();
    assertThat(TrainFixtures.config(dir, dir.resolve("drop")).train().decay()).as("shipped: off")
        .isEqualTo(new RateDecay(0, 0.1));
  }

  @Test
  void theThreadsMasterTrainsEveryWorkerThreadAtTheNewRate() {
    TrainSettings s = settings("threads");
    ComputationGraph start = fresh(s);
    try (ThreadTrainer trainer = new ThreadTrainer(spark, start, s, split.spec(), split.data().labels, split.train(), 2)) {
      checkRateChanges(trainer, s.learningRateFor(2));
    }
  }

  @Test
  void theSparkAveragingMasterBroadcastsTheNewRateToItsWorkers() {
    TrainSettings s = settings("averaging");
    ComputationGraph start = fresh(s);
    try (SparkTrainer trainer = new SparkTrainer(spark, start, s, split.spec(), split.data().labels, split.train(), 2,
        dir.resolve("work").toUri().toString())) {
      checkRateChanges(trainer, s.learningRateFor(2));
    }
  }

  private static void checkRateChanges(EpochTrainer trainer, double rate) {
    ComputationGraph net = trainer.fitEpoch(1);
    INDArray afterOne = net.params().dup();
    INDArray moments = net.getUpdater().getStateViewArray().dup();
    assertThat(Transforms.abs(moments).maxNumber().doubleValue()).as("Adam has moments after an epoch").isPositive();

    trainer.learningRate(rate * 1e-9);
    assertThat(Dl4jTrainer.adamRate(net)).isEqualTo(rate * 1e-9);
    assertThat(net.getUpdater().getStateViewArray().data().asFloat()).as("Adam's moments stay")
        .isEqualTo(moments.data().asFloat());
    net = trainer.fitEpoch(2);
    Dl4jTrainer.requireFinite(net, 2, trainer.score());
    assertThat(maxChange(afterOne, net.params())).as("an epoch at a billionth of the rate").isLessThan(1e-6);

    trainer.learningRate(rate);
    INDArray afterTwo = net.params().dup();
    net = trainer.fitEpoch(3);
    assertThat(Dl4jTrainer.adamRate(net)).isEqualTo(rate);
    assertThat(maxChange(afterTwo, net.params())).as("an epoch at the full rate again").isGreaterThan(1e-4);
  }

  private static double maxChange(INDArray before, INDArray after) {
    return Transforms.abs(after.sub(before)).maxNumber().doubleValue();
  }

  private static TrainSettings settings(String master) {
    return TrainFixtures.config(dir, dir.resolve("drop"), "train.seed=4", "train.master=" + master).train()
        .forTrainingSet(split.data().trainExamples(), 2);
  }

  private static ComputationGraph fresh(TrainSettings s) {
    return NetworkFactory.build(split.config().model(), split.spec(), split.data().labels.size(), s.learningRateFor(2), s.seed(),
        null);
  }
}
