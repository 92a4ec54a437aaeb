package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.config.ModelSettings;
import io.catalogml.config.TrainSettings;
import io.catalogml.model.InputSpec;
import java.nio.file.Path;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/** Label smoothing and mixup on real ND4J minibatches. */
class TrainingTargetsTest {
  static final int N = 8;

  /** A minibatch of image mode's two inputs (photos [n, 3, 4, 4], presence flags), example i labelled class i. */
  static MultiDataSet batch(long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray photos = Nd4j.rand(Nd4j.defaultFloatingPointType(), N, 3, 4, 4).subi(0.5);
    INDArray present = Nd4j.ones(Nd4j.defaultFloatingPointType(), N, 1);
    INDArray labels = Nd4j.eye(N).castTo(Nd4j.defaultFloatingPointType());
    return new MultiDataSet(new INDArray[] {photos, present}, new INDArray[] {labels});
  }

  static Random seeded(long seed) {
    Random random = Nd4j.getRandom();
    random.setSeed(seed);
    return random;
  }

  @Test
  void labelSmoothingSpreadsItsShareOverEveryClassAndLeavesTheInputs() {
    MultiDataSet b = batch(1);
    INDArray photos = b.getFeatures(0).dup();
    new TrainingTargets(0.2, 0).apply(b, seeded(3));
    INDArray labels = b.getLabels(0);
    for (int r = 0; r < N; r++) {
      for (int c = 0; c < N; c++) {
        assertThat(labels.getDouble(r, c)).isCloseTo(r == c ? 0.8 + 0.2 / N : 0.2 / N, within(1e-6));
      }
    }
    assertThat(b.getFeatures(0)).isEqualTo(photos);
  }

  @Test
  void mixupBlendsEachPhotoWithItsPartnerByTheShareItsLabelGives() {
    MultiDataSet b = batch(2);
    INDArray before = b.getFeatures(0).dup();
    new TrainingTargets(0, 0.4).apply(b, seeded(7));
    INDArray labels = b.getLabels(0);
    INDArray after = b.getFeatures(0);
    Set<Integer> partners = new TreeSet<>();
    int mixed = 0;
    for (int r = 0; r < N; r++) {
      assertThat(labels.getRow(r).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
      double own = labels.getDouble(r, r);
      int partner = r;
      for (int c = 0; c < N; c++) {
        if (c != r && labels.getDouble(r, c) > 0) {
          assertThat(partner).as("row %d has one partner", r).isEqualTo(r);
          partner = c;
        }
      }
      partners.add(partner);
      mixed += partner != r && own < 0.99 && own > 0.01 ? 1 : 0;
      INDArray expected = before.slice(r).mul(own).addi(before.slice(partner).mul(1 - own));
      assertThat(after.slice(r).equalsWithEps(expected, 1e-5)).as("photo %d = %.3f of itself + the rest of %d",
          r, own, partner).isTrue();
      assertThat(b.getFeatures(1).getDouble(r, 0)).as("a present photo blended with a present one").isCloseTo(1.0,
          within(1e-5));
    }
    assertThat(partners).as("the partners are a permutation of the minibatch").hasSize(N);
    assertThat(mixed).as("Beta(0.4, 0.4) blends most photos visibly").isGreaterThanOrEqualTo(N / 2);
  }

  @Test
  void theSameDrawsGiveTheSameMinibatchAndOthersAnother() {
    TrainingTargets targets = new TrainingTargets(0.1, 0.4);
    org.nd4j.linalg.dataset.api.MultiDataSet a = targets.apply(batch(4), seeded(11));
    org.nd4j.linalg.dataset.api.MultiDataSet again = targets.apply(batch(4), seeded(11));
    org.nd4j.linalg.dataset.api.MultiDataSet other = targets.apply(batch(4), seeded(12));
    assertThat(again.getFeatures(0).data().asFloat()).isEqualTo(a.getFeatures(0).data().asFloat());
    assertThat(again.getLabels(0).data().asFloat()).isEqualTo(a.getLabels(0).data().asFloat());
    assertThat(other.getLabels(0).data().asFloat()).isNotEqualTo(a.getLabels(0).data().asFloat());
  }

  @Test
  void gammaDrawsHaveTheirShapeAsMean() {
    SplittableRandom random = new SplittableRandom(5);
    for (double shape : new double[] {0.2, 0.4, 2.5}) {
      double sum = 0;
      int n = 40_000;
      for (int i = 0; i < n; i++) {
        sum += Math.exp(TrainingTargets.logGamma(shape, random));
      }
      assertThat(sum / n).as("mean of Gamma(%s, 1)", shape).isCloseTo(shape, within(shape * 0.05));
    }
  }

  @Test
  void mixupsShareIsBetaDistributedAndANumberEvenForATinyAlpha() {
    SplittableRandom random = new SplittableRandom(9);
    int n = 100_000;
    double sum = 0;
    double squares = 0;
    for (int i = 0; i < n; i++) {
      double l = TrainingTargets.lambda(0.4, random);
      sum += l;
      squares += l * l;
    }
    double mean = sum / n;
    assertThat(mean).isCloseTo(0.5, within(0.01));
    // Beta(a, a) has variance 1 / (4 (2a + 1)).
    assertThat(squares / n - mean * mean).isCloseTo(1 / (4 * 1.8), within(0.005));
    for (double alpha : new double[] {0.001, 0.01}) {
      for (int i = 0; i < n; i++) {
        // Both Gamma draws underflow to 0 here often: their ratio must still be a number.
        assertThat(TrainingTargets.lambda(alpha, random)).isBetween(0.0, 1.0);
      }
    }
  }

  @Test
  void mixupIsRefusedForANetworkThatReadsTokenIds(@TempDir Path dir) {
    TrainSettings train = TrainFixtures.config(dir, dir, "train.mixup=0.2", "train.label-smoothing=0.1").train();
    for (ModelSettings.Mode mode : new ModelSettings.Mode[] {ModelSettings.Mode.TEXT, ModelSettings.Mode.FUSION}) {
      InputSpec spec = new InputSpec(mode, 16, 100, 8, 8, "pipeline", "8x8");
      assertThatThrownBy(() -> TrainingTargets.of(train, spec)).isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("token ids");
    }
    InputSpec image = new InputSpec(ModelSettings.Mode.IMAGE, 16, 100, 8, 8, "pipeline", "8x8");
    assertThat(TrainingTargets.of(train, image)).isEqualTo(new TrainingTargets(0.1, 0.2));
  }
}
