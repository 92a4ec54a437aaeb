package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ModelSettings;
import io.catalogml.config.TrainSettings;
import io.catalogml.model.InputSpec;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * {@code train.master = threads}: two worker threads of this JVM train the sample's fusion network
 * (dropout included) with parameter averaging, several rounds an epoch.
 */
class ThreadTrainerTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig sample;
  static TrainData data;
  static InputSpec spec;
  static Dataset<Row> train;

  @BeforeAll
  static void sample() {
    TrainFixtures.TrainingSplit split = TrainFixtures.trainingSplit(spark, dir);
    sample = split.config();
    data = split.data();
    spec = split.spec();
    train = split.train();
  }

  /** The sample's settings for two workers: 400 products each, minibatches of 32, three rounds an epoch. */
  static TrainSettings settings(long seed) {
    return TrainFixtures.config(dir, dir.resolve("drop"), "train.seed=" + seed, "train.master=threads").train()
        .forTrainingSet(data.trainExamples(), 2);
  }

  static ComputationGraph fresh(TrainSettings settings) {
    return NetworkFactory.build(sample.model(), spec, data.labels.size(), settings.learningRateFor(2),
        settings.seed(), null);
  }

  @Test
  void theSameSeedGivesTheSameNetworkBitForBitAndAnotherSeedAnotherOrder() {
    assertThat(spec.mode().usesImage() && spec.mode().usesText()).as("the fusion network").isTrue();
    assertThat(sample.model().dropout()).as("dropout draws random masks in the worker threads").isPositive();
    TrainSettings s42 = settings(42);
    assertThat(s42.batchSize()).isEqualTo(32);
    assertThat(data.trainExamples() / 2 / s42.batchSize() / s42.averagingFrequency())
        .as("several averaging rounds an epoch").isGreaterThanOrEqualTo(2);

    List<Double> losses = new ArrayList<>();
    INDArray first;
    INDArray firstEpoch = null;
    try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s42), s42, spec, data.labels, train, 2)) {
      assertThat(trainer.examples()).isEqualTo(data.trainExamples());
      for (int epoch = 1; epoch <= 3; epoch++) {
        ComputationGraph net = trainer.fitEpoch(epoch);
        Dl4jTrainer.requireFinite(net, epoch, trainer.score());
        losses.add(trainer.score());
        firstEpoch = epoch == 1 ? net.params().dup() : firstEpoch;
      }
      first = trainer.fitEpoch(4).params().dup();
    }
    assertThat(losses.get(2)).as("the mean minibatch loss falls: %s", losses).isLessThan(losses.get(0));

    INDArray again;
    try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s42), s42, spec, data.labels, train, 2)) {
      for (int epoch = 1; epoch <= 3; epoch++) {
        trainer.fitEpoch(epoch);
      }
      again = trainer.fitEpoch(4).params().dup();
    }
    // The values themselves: INDArray.equals allows a difference of 1e-5.
    assertThat(again.data().asFloat()).as("seed 42 twice, bit for bit").isEqualTo(first.data().asFloat());

    // The same start, another order of rows and other dropout masks: another network after one epoch.
    TrainSettings s7 = settings(7);
    try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s42), s7, spec, data.labels, train, 2)) {
      INDArray other = trainer.fitEpoch(1).params();
      assertThat(other.equalsWithEps(firstEpoch, 1e-4)).as("train.seed 7 against 42, from seed 42's network").isFalse();
    }
  }

  @Test
  void anEpochAfterAResumeIsTheEpochOfAnUninterruptedRun() {
    TrainSettings s = settings(3);
    INDArray uninterrupted;
    try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s), s, spec, data.labels, train, 2)) {
      trainer.fitEpoch(1);
      uninterrupted = trainer.fitEpoch(2).params().dup();
    }
    ComputationGraph afterOne;
    try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s), s, spec, data.labels, train, 2)) {
      // Through a checkpoint's bytes, as --resume reads them.
      afterOne = roundTrip(trainer.fitEpoch(1));
    }
    try (ThreadTrainer trainer = new ThreadTrainer(spark, afterOne, s, spec, data.labels, train, 2)) {
      assertThat(trainer.fitEpoch(2).params().data().asFloat()).isEqualTo(uninterrupted.data().asFloat());
    }
  }

  static ComputationGraph roundTrip(ComputationGraph net) {
    try {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      ModelSerializer.writeModel(net, bytes, true);
      return ModelSerializer.restoreComputationGraph(new ByteArrayInputStream(bytes.toByteArray()), true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void mixupAndLabelSmoothingDrawFromTheSeededGeneratorsAndChangeWhatIsLearnt() {
    ModelSettings imageModel = sample.model().dl4jNetwork(ModelSettings.Mode.IMAGE);
    InputSpec image = InputSpec.network(imageModel, data.textPipeline, data.imageWidth, data.imageHeight,
        data.imageSpec);
    TrainSettings plain = TrainFixtures.config(dir, dir.resolve("drop"), "train.seed=5", "train.master=threads")
        .train().forTrainingSet(data.trainExamples(), 2);
    TrainSettings mixed = TrainFixtures.config(dir, dir.resolve("drop"), "train.seed=5", "train.master=threads",
        "train.mixup=0.4", "train.label-smoothing=0.1").train().forTrainingSet(data.trainExamples(), 2);
    float[][] params = new float[3][];
    TrainSettings[] runs = {mixed, mixed, plain};
    for (int i = 0; i < runs.length; i++) {
      ComputationGraph start = NetworkFactory.build(imageModel, image, data.labels.size(),
          runs[i].learningRateFor(2), runs[i].seed(), null);
      try (ThreadTrainer trainer = new ThreadTrainer(spark, start, runs[i], image, data.labels, train, 2)) {
        ComputationGraph net = trainer.fitEpoch(1);
        Dl4jTrainer.requireFinite(net, 1, trainer.score());
        params[i] = net.params().data().asFloat();
      }
    }
    assertThat(params[1]).as("mixup and smoothing under one seed, twice: bit for bit").isEqualTo(params[0]);
    assertThat(params[2]).as("the same seed without them learns another network").isNotEqualTo(params[0]);
  }

  @Test
  void tenSeedsOfTwoAveragedFusionThreadsStayFinite() {
    List<String> failures = new ArrayList<>();
    for (int seed = 11; seed <= 20; seed++) {
      TrainSettings s = settings(seed);
      try (ThreadTrainer trainer = new ThreadTrainer(spark, fresh(s), s, spec, data.labels, train, 2)) {
        for (int epoch = 1; epoch <= 3; epoch++) {
          Dl4jTrainer.requireFinite(trainer.fitEpoch(epoch), epoch, trainer.score());
        }
      } catch (RuntimeException e) {
        failures.add("seed " + seed + ": " + e.getMessage());
      }
    }
    assertThat(failures).isEmpty();
  }
}
