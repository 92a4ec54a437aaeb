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

/** Label smoothing, mixup and modality dropout on real ND4J minibatches. */
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

  /** A fusion network's spec reading an id bag of 6 slots, photos [3, 4, 4]. */
  static final InputSpec FUSION = new InputSpec(ModelSettings.Mode.FUSION, 6, 100, 4, 4, "pipeline", "4x4", 0, true, true);

  /** A minibatch of fusion's three inputs for {@code n} examples: ids 2..7 in every slot, photos, presence flags. */
  static MultiDataSet fusionBatch(int n, long seed) {
    Nd4j.getRandom().setSeed(seed);
    INDArray tokens = Nd4j.linspace(2, 7, 6, Nd4j.defaultFloatingPointType()).reshape(1, 6).repeat(0, n);
    INDArray photos = Nd4j.rand(Nd4j.defaultFloatingPointType(), n, 3, 4, 4).addi(0.1);
    INDArray present = Nd4j.ones(Nd4j.defaultFloatingPointType(), n, 1);
    INDArray labels = Nd4j.zeros(Nd4j.defaultFloatingPointType(), n, 3);
    labels.getColumn(0).assign(1);
    return new MultiDataSet(new INDArray[] {tokens, photos, present}, new INDArray[] {labels});
  }

  @Test
  void modalityDropoutWithholdsThePhotoOrTheTextOfItsShareOfExamplesAndNeverBoth() {
    int n = 2000;
    MultiDataSet b = fusionBatch(n, 5);
    MultiDataSet before = b.copy();
    TrainSettings.ModalityDropout drop = new TrainSettings.ModalityDropout(0.3, 0.2);
    new TrainingTargets(0, 0, drop).apply(b, FUSION, seeded(9));
    int noPhoto = 0;
    int noText = 0;
    for (int i = 0; i < n; i++) {
      INDArray photo = b.getFeatures(1).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
      boolean photoGone = photo.amaxNumber().doubleValue() == 0 && b.getFeatures(2).getDouble(i, 0) == 0;
      boolean textGone = b.getFeatures(0).getRow(i).eq(io.catalogml.model.EmbeddingBag.EMPTY).all();
      assertThat(photoGone && textGone).as("example %d lost both", i).isFalse();
      if (photoGone) {
        noPhoto++;
        assertThat(b.getFeatures(0).getRow(i)).as("its text stays").isEqualTo(before.getFeatures(0).getRow(i));
      } else {
        assertThat(photo).isEqualTo(before.getFeatures(1).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i)));
        assertThat(b.getFeatures(2).getDouble(i, 0)).isEqualTo(1.0);
      }
      if (textGone) {
        noText++;
      } else {
        assertThat(b.getFeatures(0).getRow(i)).isEqualTo(before.getFeatures(0).getRow(i));
      }
    }
    // Binomial(2000, 0.3) and (2000, 0.2): within five standard deviations.
    assertThat(noPhoto).isBetween(600 - 103, 600 + 103);
    assertThat(noText).isBetween(400 - 90, 400 + 90);
    assertThat(b.getLabels(0)).as("labels untouched").isEqualTo(before.getLabels(0));

    MultiDataSet again = fusionBatch(n, 5);
    new TrainingTargets(0, 0, drop).apply(again, FUSION, seeded(9));
    assertThat(again.getFeatures(1)).as("the same draw, the same examples").isEqualTo(b.getFeatures(1));
    assertThat(again.getFeatures(0)).isEqualTo(b.getFeatures(0));
    MultiDataSet other = fusionBatch(n, 5);
    new TrainingTargets(0, 0, drop).apply(other, FUSION, seeded(10));
    assertThat(other.getFeatures(0)).isNotEqualTo(b.getFeatures(0));

    MultiDataSet untouched = fusionBatch(n, 5);
    new TrainingTargets(0, 0).apply(untouched, FUSION, seeded(9));
    assertThat(untouched.getFeatures(0)).isEqualTo(before.getFeatures(0));
    assertThat(untouched.getFeatures(1)).isEqualTo(before.getFeatures(1));
  }

  /** {@code photo} ([channels, h, w]) moved by dy rows and dx columns, each uncovered pixel the nearest edge's. */
  static INDArray moved(INDArray photo, int dy, int dx) {
    long[] shape = photo.shape();
    INDArray out = Nd4j.create(photo.dataType(), shape);
    for (int c = 0; c < shape[0]; c++) {
      for (int y = 0; y < shape[1]; y++) {
        for (int x = 0; x < shape[2]; x++) {
          long fromY = Math.min(shape[1] - 1, Math.max(0, y - dy));
          long fromX = Math.min(shape[2] - 1, Math.max(0, x - dx));
          out.putScalar(new long[] {c, y, x}, photo.getDouble(c, fromY, fromX));
        }
      }
    }
    return out;
  }

  @Test
  void shiftsMoveEachPhotoByAtMostItsPixelsEachWayAndLeaveTheRest() {
    int n = 400;
    int max = 2;
    MultiDataSet b = fusionBatch(n, 21);
    MultiDataSet before = b.copy();
    new TrainingTargets(0, 0, TrainSettings.ModalityDropout.NONE, max).apply(b, FUSION, seeded(4));
    Set<String> moves = new TreeSet<>();
    for (int i = 0; i < n; i++) {
      INDArray was = before.getFeatures(1).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
      INDArray is = b.getFeatures(1).get(org.nd4j.linalg.indexing.NDArrayIndex.point(i));
      String found = null;
      for (int dy = -max; dy <= max && found == null; dy++) {
        for (int dx = -max; dx <= max && found == null; dx++) {
          if (is.equals(moved(was, dy, dx))) {
            found = dy + "," + dx;
          }
        }
      }
      assertThat(found).as("photo %d is itself moved by at most %d pixels each way", i, max).isNotNull();
      moves.add(found);
    }
    // 400 draws of 25 equally likely moves: each is seen (the chance that one is not is below 1e-5).
    assertThat(moves).hasSize(25);
    assertThat(b.getFeatures(0)).as("the ids stay").isEqualTo(before.getFeatures(0));
    assertThat(b.getFeatures(2)).as("the presence flags stay").isEqualTo(before.getFeatures(2));
    assertThat(b.getLabels(0)).as("the labels stay").isEqualTo(before.getLabels(0));

    MultiDataSet again = fusionBatch(n, 21);
    new TrainingTargets(0, 0, TrainSettings.ModalityDropout.NONE, max).apply(again, FUSION, seeded(4));
    assertThat(again.getFeatures(1)).as("the same draw, the same moves").isEqualTo(b.getFeatures(1));
    MultiDataSet other = fusionBatch(n, 21);
    new TrainingTargets(0, 0, TrainSettings.ModalityDropout.NONE, max).apply(other, FUSION, seeded(5));
    assertThat(other.getFeatures(1)).isNotEqualTo(b.getFeatures(1));
    // With mixup (an image network): the photos are moved first, then blended with the partners and shares
    // of a run without shifts.
    MultiDataSet plain = batch(6);
    new TrainingTargets(0, 0.4).apply(plain, IMAGE, seeded(8));
    MultiDataSet both = batch(6);
    new TrainingTargets(0, 0.4, TrainSettings.ModalityDropout.NONE, 1).apply(both, IMAGE, seeded(8));
    assertThat(both.getLabels(0)).as("the same blends").isEqualTo(plain.getLabels(0));
    assertThat(both.getFeatures(0)).as("of moved photos").isNotEqualTo(plain.getFeatures(0));
  }

  /** The number of {@code nextLong} draws {@code targets} take from a generator seeded with 8 for a minibatch. */
  static int drawsTaken(TrainingTargets targets, MultiDataSet batch, InputSpec spec) {
    targets.apply(batch, spec, seeded(8));
    long next = Nd4j.getRandom().nextLong();
    Random fresh = seeded(8);
    for (int taken = 0; taken < 8; taken++) {
      if (fresh.nextLong() == next) {
        return taken;
      }
    }
    throw new AssertionError("more than 8 draws taken");
  }

  @Test
  void eachTransformTakesOneDrawOnlyWhenItIsOnSoARunWithoutItDrawsAsBefore() {
    TrainSettings.ModalityDropout drop = new TrainSettings.ModalityDropout(0.2, 0.1);
    assertThat(drawsTaken(new TrainingTargets(0.1, 0), batch(1), IMAGE)).as("label smoothing draws nothing").isZero();
    assertThat(drawsTaken(new TrainingTargets(0, 0.4), batch(1), IMAGE)).as("mixup").isEqualTo(1);
    assertThat(drawsTaken(new TrainingTargets(0, 0, TrainSettings.ModalityDropout.NONE, 2), batch(1), IMAGE))
        .as("shifts").isEqualTo(1);
    assertThat(drawsTaken(new TrainingTargets(0, 0.4, TrainSettings.ModalityDropout.NONE, 2), batch(1), IMAGE))
        .as("mixup and shifts").isEqualTo(2);
    assertThat(drawsTaken(new TrainingTargets(0, 0, drop), fusionBatch(N, 1), FUSION)).as("modality dropout").isEqualTo(1);
    assertThat(drawsTaken(new TrainingTargets(0, 0, drop, 2), fusionBatch(N, 1), FUSION)).as("dropout and shifts")
        .isEqualTo(2);
  }

  /** An image network's spec for {@link #batch}: photos [3, 4, 4]. */
  static final InputSpec IMAGE = new InputSpec(ModelSettings.Mode.IMAGE, 6, 100, 4, 4, "pipeline", "4x4");

  @Test
  void shiftsAreRefusedForANetworkThatReadsNoPhoto(@TempDir Path dir) {
    assertThatThrownBy(() -> TrainingTargets.requireShiftApplies(ModelSettings.Mode.TEXT, 3))
        .hasMessageContaining("Cannot train a text network with train.shift = 3")
        .hasMessageContaining("train.by-mode.image.shift = 3");
    TrainingTargets.requireShiftApplies(ModelSettings.Mode.IMAGE, 3);
    TrainingTargets.requireShiftApplies(ModelSettings.Mode.FUSION, 3);
    TrainSettings train = TrainFixtures.config(dir, dir, "train.shift=3").train();
    assertThat(train.shift()).isEqualTo(3);
    assertThatThrownBy(() -> TrainingTargets.of(train, new InputSpec(ModelSettings.Mode.TEXT, 16, 100, 8, 8, "p", "8x8")))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("reads none");
    assertThatThrownBy(() -> new TrainingTargets(0, 0, TrainSettings.ModalityDropout.NONE, 3).apply(batch(1), seeded(1)))
        .isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> TrainFixtures.config(dir, dir, "train.shift=17")).hasMessageContaining("train.shift");
  }

  @Test
  void modalityDropoutIsRefusedForANetworkWithoutBothInputsOrWithoutAnIdBag(@TempDir Path dir) {
    for (String mode : new String[] {"text", "image"}) {
      for (String key : new String[] {"train.drop-image", "train.drop-text"}) {
        io.catalogml.config.CatalogConfig c = TrainFixtures.config(dir, dir, "model.mode=" + mode, key + "=0.2");
        assertThatThrownBy(() -> TrainingTargets.requireDropApplies(c.model(), c.train().drop()))
            .hasMessageContaining("Cannot train a " + mode + " network with " + key + " = 0.2")
            .hasMessageContaining("train.by-mode.fusion." + key.substring(6) + " = 0.2");
      }
    }
    io.catalogml.config.CatalogConfig cnn = TrainFixtures.config(dir, dir, "model.text.encoder=cnn", "train.drop-text=0.2");
    assertThatThrownBy(() -> TrainingTargets.requireDropApplies(cnn.model(), cnn.train().drop()))
        .hasMessageContaining("model.text.encoder = pool");
    io.catalogml.config.CatalogConfig cnnImage = TrainFixtures.config(dir, dir, "model.text.encoder=cnn",
        "train.drop-image=0.2");
    TrainingTargets.requireDropApplies(cnnImage.model(), cnnImage.train().drop());
    assertThatThrownBy(() -> TrainFixtures.config(dir, dir, "train.drop-image=0.5", "train.drop-text=0.5"))
        .hasMessageContaining("train.drop-text = 0.5").hasMessageContaining("at most 0.9 - train.drop-image");
  }
}
