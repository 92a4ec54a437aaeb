package io.catalogml.train;

import io.catalogml.config.TrainSettings;
import io.catalogml.model.InputSpec;
import java.io.Serializable;
import java.util.Arrays;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.rng.Random;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What a training minibatch asks the network to fit, beyond its one-hot labels: label smoothing
 * ({@code train.label-smoothing}) and, for a network that reads only the image, mixup
 * ({@code train.mixup}). Applied to each minibatch as it is fitted, never to evaluation or scoring.
 *
 * <ul>
 *   <li><b>Label smoothing</b> {@code ε}: each target becomes {@code (1 - ε) × one-hot + ε / classes}.</li>
 *   <li><b>Mixup</b> {@code α} (Zhang et al., 2018): each example {@code i} draws {@code λ} from
 *       Beta(α, α) and becomes {@code λ × x_i + (1 - λ) × x_j}, with the label likewise, where
 *       {@code j} is its partner in a random permutation of the minibatch. Only for inputs that can
 *       be blended (the image and its presence flag): a network that reads token ids refuses it
 *       ({@link #of}).</li>
 * </ul>
 *
 * <p>The draws come from the ND4J random generator of the thread that fits the minibatch, which the
 * threads master seeds per worker and round: a seed still gives one result.
 *
 * @param labelSmoothing {@code ε}, 0 = one-hot targets
 * @param mixup {@code α}, 0 = none
 */
public record TrainingTargets(double labelSmoothing, double mixup) implements Serializable {

  /** Targets as they are: no smoothing, no mixup. */
  public static final TrainingTargets NONE = new TrainingTargets(0, 0);

  /**
   * The targets {@code train} asks for a network of {@code spec}.
   *
   * @throws IllegalArgumentException when mixup is asked for a network that reads token ids, which
   *     cannot be blended (the caller turns it into a user-facing error)
   */
  public static TrainingTargets of(TrainSettings train, InputSpec spec) {
    if (train.mixup() > 0 && Arrays.asList(spec.inputs()).contains(InputSpec.TOKENS)) {
      throw new IllegalArgumentException("mixup blends inputs, and a network of mode " + spec.mode()
          + " reads token ids, which cannot be blended");
    }
    return new TrainingTargets(train.labelSmoothing(), train.mixup());
  }

  /** Whether {@link #apply} changes anything. */
  public boolean active() {
    return labelSmoothing > 0 || mixup > 0;
  }

  /**
   * {@code batch} with its labels smoothed and its examples mixed, in place (its arrays are the
   * minibatch's own, made for this one fit), drawing from {@code random}; {@code batch} itself.
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
        int[] partner = permutation(n, random);
        INDArray lambda = Nd4j.create(Nd4j.defaultFloatingPointType(), n, 1);
        for (int i = 0; i < n; i++) {
          double a = gamma(mixup, random);
          double b = gamma(mixup, random);
          lambda.putScalar(i, 0, a / (a + b));
        }
        INDArray rest = lambda.rsub(1.0);
        for (INDArray x : batch.getFeatures()) {
          INDArray rows = x.reshape('c', n, x.length() / n);
          INDArray mixed = rows.mulColumnVector(lambda).addi(rows.getRows(partner).mulColumnVector(rest));
          x.assign(mixed.reshape('c', x.shape()));
        }
        labels.assign(labels.mulColumnVector(lambda).addi(labels.getRows(partner).mulColumnVector(rest)));
      }
    }
    return batch;
  }

  /** A uniformly random permutation of {@code 0..n-1} (Fisher-Yates). */
  private static int[] permutation(int n, Random random) {
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

  /** A draw of Gamma(shape, 1) (Marsaglia and Tsang; below shape 1, boosted by {@code U^(1/shape)}). */
  static double gamma(double shape, Random random) {
    if (shape < 1) {
      return gamma(shape + 1, random) * Math.pow(random.nextDouble(), 1 / shape);
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
      double u = random.nextDouble();
      if (Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) {
        return d * v;
      }
    }
  }
}
