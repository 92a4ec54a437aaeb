package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gradient-sharing master (SharedTrainingMaster over the Aeron parameter server) refuses more
 * workers than local[2] runs at once, trains a network on local[2] from the sample (through the
 * barrier RDD of {@link SharingGate}), and afterwards this JVM refuses another training: DL4J
 * 1.0.0-M2 leaves state that turns the next network NaN. Surefire runs this class in a JVM of its
 * own (pom.xml, execution {@code training-jvms}) so that no other test shares that state.
 */
class GradientSharingTest extends SparkTestBase {
  @TempDir
  static Path dir;

  @Test
  void sharingTrainsANetworkAndThenTheJvmRefusesAnother() {
    TrainFixtures.preprocessedSample(spark, dir);
    CatalogConfig tooMany = TrainFixtures.config(dir, dir.resolve("drop"), "train.master=sharing", "model.mode=text",
        "train.workers=3", "train.epochs=1");
    assertThatThrownBy(() -> TrainStageTest.trainIn(spark, tooMany))
        .as("every worker of a sharing epoch runs at once (a barrier stage): 3 cannot on local[2]")
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Spark runs 2 tasks at a time here")
        .hasMessageContaining("train.workers to at most 2");

    CatalogConfig decaying = TrainFixtures.config(dir, dir.resolve("drop"), "train.master=sharing", "model.mode=text",
        "train.epochs=4", "train.decay-at=0.5");
    assertThatThrownBy(() -> TrainStageTest.trainIn(spark, decaying))
        .as("the sharing workers would keep their first rate: refused before training")
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("train.decay-at = 0")
        .hasMessageContaining("train.master = averaging or threads");

    CatalogConfig config = TrainFixtures.config(dir, dir.resolve("drop"), "train.master=sharing", "model.mode=text",
        "train.epochs=4", "train.learning-rate=0.01", "train.batch-size=32", "train.patience=0");
    TrainResult sharing = TrainStageTest.trainIn(spark, config);
    assertThat(sharing.master()).isEqualTo("sharing");
    assertThat(sharing.epochs()).isEqualTo(4);
    assertThat(sharing.examplesPerSecond()).isPositive();
    assertThat(sharing.testAccuracy()).as("gradient sharing learns beyond the majority class")
        .isGreaterThan(TrainStageTest.majorityShare(config, "test"));

    CatalogConfig after = TrainFixtures.config(dir, dir.resolve("drop"), "model.mode=text", "train.epochs=1");
    assertThatThrownBy(() -> TrainStageTest.trainIn(spark, after))
        .as("DL4J's leftover sharing state would corrupt the next network")
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("already ran in it")
        .hasMessageContaining("Run each training as its own job");
  }
}
