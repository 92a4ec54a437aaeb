package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.TrainSettings;
import io.catalogml.lake.Lake;
import io.catalogml.model.InputSpec;
import io.catalogml.preprocess.TitleGroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two parameter-averaging workers train the sample's fusion network with ten seeds and none goes NaN
 * or fits a minibatch with an impossible loss. Before the fix (TrainingMasters, "the averaging NaN")
 * the same loop saw such losses in most seeds: DL4J's prefetch thread deserialised the reshuffled
 * minibatches into workspace memory it then reused while they were being fitted.
 */
class AveragingSeedsTest extends SparkTestBase {
  private static final int SEEDS = 10;
  private static final int EPOCHS = 3;

  @TempDir
  static Path dir;

  @Test
  void tenSeedsOfTwoAveragedFusionWorkersStayFiniteAndFitOnlyPossibleLosses() {
    CatalogConfig sample = TrainFixtures.preprocessedSample(spark, dir);
    TrainData data = TrainData.load(spark, Lake.of(sample), null);
    InputSpec spec = InputSpec.network(sample.model(), data.textPipeline, data.imageWidth, data.imageHeight,
        data.imageSpec);
    assertThat(spec.mode().usesImage() && spec.mode().usesText()).as("the fusion network").isTrue();
    Dataset<Row> train = data.split(TitleGroups.TRAIN).cache();
    List<String> failures = new ArrayList<>();
    for (int seed = 1; seed <= SEEDS; seed++) {
      TrainSettings settings = TrainFixtures.config(dir, dir.resolve("drop"), "train.seed=" + seed,
          "train.master=averaging").train();
      ComputationGraph net = NetworkFactory.build(sample.model(), spec, data.labels.size(),
          settings.learningRateFor(2), seed, null);
      long impossibleBefore = RoundLog.impossibleLosses();
      double firstLoss = Double.NaN;
      double lastLoss = Double.NaN;
      try (SparkTrainer trainer = new SparkTrainer(spark, net, settings, spec, data.labels, train, 2,
          dir.resolve("work-" + seed).toUri().toString())) {
        for (int epoch = 1; epoch <= EPOCHS; epoch++) {
          net = trainer.fitEpoch(epoch);
          Dl4jTrainer.requireFinite(net, epoch, trainer.score());
          lastLoss = trainer.score();
          firstLoss = epoch == 1 ? lastLoss : firstLoss;
        }
      } catch (RuntimeException e) {
        failures.add("seed " + seed + ": " + e.getMessage());
        continue;
      }
      long impossible = RoundLog.impossibleLosses() - impossibleBefore;
      if (impossible > 0) {
        failures.add("seed " + seed + ": " + impossible + " minibatches with an impossible loss");
      }
      assertThat(lastLoss).as("seed %d learns: loss after epoch %d below epoch 1's", seed, EPOCHS)
          .isLessThan(firstLoss);
    }
    assertThat(failures).as("two averaged workers, %d seeds of %d epochs", SEEDS, EPOCHS).isEmpty();
  }
}
