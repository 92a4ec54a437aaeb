package io.catalogml.train;

import io.catalogml.config.ModelSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.model.EmbeddingBag;
import io.catalogml.config.TrainSettings;
import io.catalogml.model.FeatureBatches;
import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;
import java.io.Serializable;
import java.util.List;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * What a training minibatch asks the network to fit, beyond its one-hot labels: label smoothing
 * ({@code train.label-smoothing}) and, for a network that reads only the image, mixup
 * ({@code train.mixup}), for a fusion network modality dropout ({@code train.drop-image},
 * {@code train.drop-text}), and for a network that reads photos random shifts ({@code train.shift}).
 * Applied to each training minibatch as it is built ({@link #minibatch}), never to evaluation or
 * scoring.
 *
 * <ul>
 *   <li><b>Label smoothing</b> {@code ε}: each target becomes {@code (1 - ε) × one-hot + ε / classes}.</li>
 *   <li><b>Mixup</b> {@code α} (Zhang et al., 2018): each example {@code i} draws {@code λ} from
 *       Beta(α, α) and becomes {@code λ × x_i + (1 - λ) × x_j}, with the label likewise, where
 *       {@code j} is its partner in a random permutation of the minibatch. Only for networks whose
 *       inputs can be blended ({@link #mixupApplies}: the image and its presence flag); token ids
 *       cannot.</li>
 *   <li><b>Modality dropout</b> ({@link TrainSettings.ModalityDropout}): each example draws {@code u}
 *       uniformly from [0, 1); below {@code drop.image()} its photo is withheld as scoring withholds an
 *       unusable one (zeros, {@code image_present = 0}), else below {@code drop.image() + drop.text()}
 *       its text (every id slot {@link EmbeddingBag#EMPTY}, or a zero bag of frequencies).</li>
 *   <li><b>Shift</b> {@code s} pixels: each example's photo moves by {@code dy} rows and {@code dx}
 *       columns, each drawn uniformly from {@code -s..s}; the pixels it uncovers repeat the edge
 *       they came from. Before mixup, so a blend is of two shifted photos. A withheld photo (zeros)
 *       stays zeros.</li>
 * </ul>
 *
 * <p>Each minibatch takes one number from the ND4J random generator of the thread that builds it
 * for mixup, one for modality dropout and one for shifts (none when they are off, so a network
 * trained without them trains as before they existed), and draws everything else from a {@link SplittableRandom} seeded
 * with it (ND4J's own Gaussian
 * draws keep a cached value across {@code setSeed}). The threads master seeds that generator per
 * worker and round, so under it a seed still gives one network; the Spark masters' executor threads
 * are not seeded.
 *
 * @param labelSmoothing {@code ε}, 0 = one-hot targets
 * @param mixup {@code α}, 0 = none
 * @param drop the shares of examples whose photo or text is withheld (fusion networks)
 * @param shift the most pixels a photo moves each way (networks that read photos), 0 = none
 */
public record TrainingTargets(double labelSmoothing, double mixup, TrainSettings.ModalityDropout drop, int shift)
    implements Serializable {

  /** Targets as they are: no smoothing, no mixup, nothing withheld, nothing moved. */
  public static final TrainingTargets NONE = new TrainingTargets(0, 0);

  /** Label smoothing and mixup, nothing withheld or moved. */
  public TrainingTargets(double labelSmoothing, double mixup) {
    this(labelSmoothing, mixup, TrainSettings.ModalityDropout.NONE, 0);
  }

  /** Label smoothing, mixup and modality dropout, nothing moved. */
  public TrainingTargets(double labelSmoothing, double mixup, TrainSettings.ModalityDropout drop) {
    this(labelSmoothing, mixup, drop, 0);
  }

  /**
   * Fails with what to do when {@code train.shift} is asked of a network of {@code mode} that reads
   * no photo.
   */
  public static void requireShiftApplies(ModelSettings.Mode mode, int shift) {
    if (shift > 0 && !mode.usesImage()) {
      throw CatalogErrors.shiftNeedsPhotos(mode.name().toLowerCase(java.util.Locale.ROOT), shift);
    }
  }

  /**
   * Fails with what to do when {@code drop} withholds an input from a network of {@code model} that
   * cannot do without it: one that does not read both photo and text, or (text) one whose encoder
   * reads a masked sequence ({@code model.text.encoder = cnn}), whose pooling has no row to average.
   */
  public static void requireDropApplies(ModelSettings model, TrainSettings.ModalityDropout drop) {
    String mode = model.mode().name().toLowerCase(java.util.Locale.ROOT);
    if (drop.image() > 0 && model.mode() != ModelSettings.Mode.FUSION) {
      throw CatalogErrors.modalityDropoutNeedsFusion(mode, "train.drop-image", drop.image(),
          "it withholds the photo from a network that reads the text too, and this one reads one input only");
    }
    if (drop.text() > 0 && model.mode() != ModelSettings.Mode.FUSION) {
      throw CatalogErrors.modalityDropoutNeedsFusion(mode, "train.drop-text", drop.text(),
          "it withholds the text from a network that reads the photo too, and this one reads one input only");
    }
    if (drop.text() > 0 && model.textEncoder() != ModelSettings.TextEncoder.POOL) {
      throw CatalogErrors.modalityDropoutNeedsFusion(mode + " (model.text.encoder = cnn)", "train.drop-text",
          drop.text(), "a convolution over a masked sequence has nothing to pool without ids; use model.text.encoder"
              + " = pool");
    }
  }

  /** Whether mixup can apply to a network of {@code mode}: not when it reads token ids, which cannot be blended. */
  public static boolean mixupApplies(ModelSettings.Mode mode) {
    return !mode.usesText();
  }

  /**
   * The targets {@code train} asks for a network of {@code spec}.
   *
   * @throws IllegalArgumentException when mixup is asked for a network that reads token ids
   *     ({@code train} refuses that earlier with a user-facing error)
   */
  public static TrainingTargets of(TrainSettings train, InputSpec spec) {
    if (train.mixup() > 0 && !mixupApplies(spec.mode())) {
      throw new IllegalArgumentException("mixup blends inputs, and a network of mode " + spec.mode()
          + " reads token ids, which cannot be blended");
    }
    if (train.drop().active() && (spec.mode() != ModelSettings.Mode.FUSION
        || train.drop().text() > 0 && !spec.bag())) {
      throw new IllegalArgumentException("modality dropout " + train.drop() + " for a network of mode " + spec.mode()
          + (spec.bag() ? "" : " reading a token sequence"));
    }
    if (train.shift() > 0 && !spec.mode().usesImage()) {
      throw new IllegalArgumentException("train.shift moves photos, and a network of mode " + spec.mode()
          + " reads none");
    }
    return new TrainingTargets(train.labelSmoothing(), train.mixup(), train.drop(), train.shift());
  }

  /** Whether {@link #apply} changes anything. */
  public boolean active() {
    return labelSmoothing > 0 || mixup > 0 || drop.active() || shift > 0;
  }

  /** The training minibatch of {@code rows} ({@link FeatureBatches#dataSet}) with these targets, drawing from ND4J's generator. */
  public MultiDataSet minibatch(List<Row> rows, InputSpec spec, LabelMap labels) {
    return apply(FeatureBatches.dataSet(rows, spec, labels), spec, Nd4j.getRandom());
  }

  /** {@link #apply(MultiDataSet, InputSpec, Random)} for targets that withhold and move nothing (no spec needed). */
  public MultiDataSet apply(MultiDataSet batch, Random random) {
    if (drop.active() || shift > 0) {
      throw new IllegalStateException("modality dropout and shifts need the network's inputs: apply(batch, spec, random)");
    }
    return apply(batch, null, random);
  }

  /**
   * {@code batch} with its photos shifted, its labels smoothed, its examples mixed and inputs
   * withheld, in place (its arrays are the minibatch's own, made for this one fit), seeded by one
   * number of {@code random} each for mixup, modality dropout and shifts, drawn in that order;
   * {@code batch} itself.
   *
   * @param spec the network's inputs, in the order of the batch's features (needed when {@link #drop} is
   *     active or {@link #shift} above 0)
   */
  public MultiDataSet apply(MultiDataSet batch, InputSpec spec, Random random) {
    if (!active()) {
      return batch;
    }
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray labels = batch.getLabels(0);
      if (labelSmoothing > 0) {
        labels.muli(1 - labelSmoothing).addi(labelSmoothing / labels.size(1));
      }
      int n = (int) labels.size(0);
      long mixupSeed = mixup > 0 && n > 1 ? random.nextLong() : 0;
      long dropSeed = drop.active() ? random.nextLong() : 0;
      if (shift > 0) {
        shift(batch.getFeatures(List.of(spec.inputs()).indexOf(InputSpec.IMAGE)), shift,
            new SplittableRandom(random.nextLong()));
      }
      if (mixup > 0 && n > 1) {
        SplittableRandom draws = new SplittableRandom(mixupSeed);
        int[] partner = permutation(n, draws);
        INDArray lambda = Nd4j.create(labels.dataType(), n, 1);
        for (int i = 0; i < n; i++) {
          lambda.putScalar(i, 0, lambda(mixup, draws));
        }
        INDArray rest = lambda.rsub(1.0);
        for (INDArray x : batch.getFeatures()) {
          INDArray rows = x.reshape('c', n, x.length() / n);
          INDArray mixed = rows.mulColumnVector(lambda.castTo(x.dataType()))
              .addi(rows.getRows(partner).mulColumnVector(rest.castTo(x.dataType())));
          x.assign(mixed.reshape('c', x.shape()));
        }
        labels.assign(labels.mulColumnVector(lambda).addi(labels.getRows(partner).mulColumnVector(rest)));
      }
      if (drop.active()) {
        withhold(batch, spec, n, new SplittableRandom(dropSeed));
      }
    }
    return batch;
  }

  /** Modality dropout: per example, its photo or its text withheld, or neither (see the class comment). */
  private void withhold(MultiDataSet batch, InputSpec spec, int n, SplittableRandom draws) {
    List<String> inputs = List.of(spec.inputs());
    INDArray tokens = batch.getFeatures(inputs.indexOf(InputSpec.TOKENS));
    INDArray image = batch.getFeatures(inputs.indexOf(InputSpec.IMAGE));
    INDArray present = batch.getFeatures(inputs.indexOf(InputSpec.IMAGE_PRESENT));
    for (int i = 0; i < n; i++) {
      double u = draws.nextDouble();
      if (u < drop.image()) {
        image.get(NDArrayIndex.point(i)).assign(0);
        present.putScalar(i, 0, 0);
      } else if (u < drop.image() + drop.text()) {
        // An id bag's empty slot, or a bag of frequencies with none: the mean of no embeddings, zeros.
        tokens.getRow(i).assign(spec.idBag() ? EmbeddingBag.EMPTY : 0);
      }
    }
  }

  /**
   * Each photo of {@code image} ({@code [n, channels, h, w]}, floats as {@link FeatureBatches} makes
   * them) moved by {@code dy} rows and {@code dx} columns drawn uniformly from {@code -max..max}, the
   * uncovered pixels repeating the nearest edge.
   */
  static void shift(INDArray image, int max, SplittableRandom draws) {
    long[] shape = image.shape();
    int n = (int) shape[0];
    int channels = (int) shape[1];
    int h = (int) shape[2];
    int w = (int) shape[3];
    float[] from = image.dup('c').data().asFloat();
    float[] to = new float[from.length];
    for (int i = 0; i < n; i++) {
      int dy = draws.nextInt(2 * max + 1) - max;
      int dx = draws.nextInt(2 * max + 1) - max;
      for (int c = 0; c < channels; c++) {
        int base = (i * channels + c) * h * w;
        for (int y = 0; y < h; y++) {
          int row = base + Math.min(h - 1, Math.max(0, y - dy)) * w;
          for (int x = 0; x < w; x++) {
            to[base + y * w + x] = from[row + Math.min(w - 1, Math.max(0, x - dx))];
          }
        }
      }
    }
    image.assign(Nd4j.create(to, shape, 'c').castTo(image.dataType()));
  }

  /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
  private static int[] permutation(int n, RandomGenerator random) {
    int[] p = new int[n];
    for (int i = 0; i < n; i++) {
      p[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int k = random.nextInt(i + 1);
      int t = p[i];
      p[i] = p[k];
      p[k] = t;
    }
    return p;
  }

  /**
   * A draw of Beta(α, α) as {@code A / (A + B)} of two Gamma(α) draws, computed from their logarithms
   * so that a small {@code α}, whose draws underflow to 0, still gives a number in [0, 1].
   */
  static double lambda(double alpha, RandomGenerator random) {
    double a = logGamma(alpha, random);
    double b = logGamma(alpha, random);
    return 1 / (1 + Math.exp(b - a));
  }

  /**
   * The logarithm of a draw of Gamma(shape, 1): Marsaglia and Tsang's method, and below shape 1 a
   * draw of shape + 1 boosted by {@code U^(1/shape)}.
   */
  static double logGamma(double shape, RandomGenerator random) {
    if (shape < 1) {
      // 1 - U is in (0, 1]: its logarithm is finite.
      return logGamma(shape + 1, random) + Math.log(1 - random.nextDouble()) / shape;
    }
    double d = shape - 1.0 / 3;
    double c = 1 / Math.sqrt(9 * d);
    while (true) {
      double x = random.nextGaussian();
      double v = 1 + c * x;
      if (v <= 0) {
        continue;
      }
      v = v * v * v;
      double u = 1 - random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return Math.log(d * v);
      }
    }
  }
}
