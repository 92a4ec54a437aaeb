package io.catalogml.train;

import io.catalogml.config.ModelSettings;
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

/**
 * What a training minibatch asks the network to fit, beyond its one-hot labels: label smoothing
 * ({@code train.label-smoothing}) and, for a network that reads only the image, mixup
 * ({@code train.mixup}). Applied to each training minibatch as it is built ({@link #minibatch}),
 * never to evaluation or scoring.
 *
 * <ul>
 *   <li><b>Label smoothing</b> {@code ε}: each target becomes {@code (1 - ε) × one-hot + ε / classes}.</li>
 *   <li><b>Mixup</b> {@code α} (Zhang et al., 2018): each example {@code i} draws {@code λ} from
 *       Beta(α, α) and becomes {@code λ × x_i + (1 - λ) × x_j}, with the label likewise, where
 *       {@code j} is its partner in a random permutation of the minibatch. Only for networks whose
 *       inputs can be blended ({@link #mixupApplies}: the image and its presence flag); token ids
 *       cannot.</li>
 * </ul>
 *
 * <p>Each minibatch takes one number from the ND4J random generator of the thread that builds it
 * and draws everything else from a {@link SplittableRandom} seeded with it (ND4J's own Gaussian
 * draws keep a cached value across {@code setSeed}). The threads master seeds that generator per
 * worker and round, so under it a seed still gives one network; the Spark masters' executor threads
 * are not seeded.
 *
 * @param labelSmoothing {@code ε}, 0 = one-hot targets
 * @param mixup {@code α}, 0 = none
 */
public record TrainingTargets(double labelSmoothing, double mixup) implements Serializable {

  /** Targets as they are: no smoothing, no mixup. */
  public static final TrainingTargets NONE = new TrainingTargets(0, 0);

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
    return new TrainingTargets(train.labelSmoothing(), train.mixup());
  }

  /** Whether {@link #apply} changes anything. */
  public boolean active() {
    return labelSmoothing > 0 || mixup > 0;
  }

  /** The training minibatch of {@code rows} ({@link FeatureBatches#dataSet}) with these targets, drawing from ND4J's generator. */
  public MultiDataSet minibatch(List<Row> rows, InputSpec spec, LabelMap labels) {
    return apply(FeatureBatches.dataSet(rows, spec, labels), Nd4j.getRandom());
  }

  /**
   * {@code batch} with its labels smoothed and its examples mixed, in place (its arrays are the
   * minibatch's own, made for this one fit), seeded by one number of {@code random}; {@code batch} itself.
   */
  public MultiDataSet apply(MultiDataSet batch, Random random) {
    if (!active()) {
      return batch;
    }
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      INDArray labels = batch.getLabels(0);
      if (labelSmoothing > 0) {
        labels.muli(1 - labelSmoothing).addi(labelSmoothing / labels.size(1));
      }
      int n = (int) labels.size(0);
      if (mixup > 0 && n > 1) {
        SplittableRandom draws = new SplittableRandom(random.nextLong());
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
    }
    return batch;
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
