package io.catalogml.config;

import java.io.Serializable;

/**
 * How the train job trains (configuration {@code train.*}).
 *
 * @param master how the workers train: a DL4J Spark training master, or averaging threads in the driver JVM
 * @param epochs maximum number of passes over the training split
 * @param batchSize examples per minibatch on each worker, at most ({@link #forTrainingSet})
 * @param learningRate Adam learning rate at {@code batchSize}
 * @param seed seed of weight initialisation, shuffling and dropout
 * @param patience epochs without a better validation weighted F1 before training stops (0 = never stop early)
 * @param workers data partitions trained in parallel (0 = Spark's default parallelism)
 * @param workersPerExecutor model copies per executor JVM with gradient sharing
 * @param averagingFrequency minibatches between parameter averages (averaging and threads masters)
 * @param prefetchBatches minibatches each gradient-sharing worker prepares ahead (not used by averaging)
 * @param sharingThreshold initial update threshold of the gradient-sharing master
 * @param sharingPort UDP port of the gradient-sharing controller on the driver (Aeron)
 * @param sharingWorkerPort UDP port of each executor JVM's parameter-server node (0 = a free one per JVM)
 * @param sharingJoinTimeout seconds an executor's node may take to join the controller
 * @param sharingController address the workers reach the driver at ({@code ""} = the driver host)
 * @param sharingNetworkMask network mask workers bind on ({@code ""} = derived from the controller)
 * @param checkpointDir folder of per-run checkpoints and work files
 * @param logreg how the MLlib baseline is fitted
 * @param yardstick with a network, also fit the baseline on the same split and report both
 * @param blendBaseline with a network that reads text, also fit the baseline on the same split and package the two
 *     as one model ({@code io.catalogml.model.BlendedClassifier}), the baseline's weight chosen on the validation split
 * @param scaleLearningRate averaging and threads masters: Adam's learning rate is {@code learningRate × workers}
 *     ({@link #learningRateFor(int)})
 * @param minBatchSize the smallest minibatch {@link #forTrainingSet} shrinks to
 * @param minSteps minibatches each worker should take an epoch at least ({@link #forTrainingSet})
 * @param weightDecay decoupled weight decay of the networks' weights: each step also takes
 *     {@code learning rate × weightDecay × w} off every weight (not the biases); 0 = none
 * @param labelSmoothing share {@code ε} of each training label spread over all classes: the target is
 *     {@code (1 - ε) × one-hot + ε / classes}; 0 = one-hot targets
 * @param mixup image-only networks: the {@code α} of mixup's Beta(α, α), from which each training
 *     photo draws how much of another photo of its minibatch (and of its label) it is blended with;
 *     0 = none
 * @param averageEpochs networks: for each N (at most half the epochs trained), the mean of the weights of the last N
 *     epochs; the best of these means on validation is packaged instead of the best epoch's network; empty = the
 *     best epoch's
 * @param decay networks: a step decay of Adam's rate for the last epochs ({@link RateDecay})
 * @param drop fusion networks: the shares of training examples whose photo or text is withheld ({@link ModalityDropout})
 * @param shift networks that read photos: the most pixels each training photo moves each way, drawn anew each
 *     minibatch; 0 = none
 */
public record TrainSettings(Master master, int epochs, int batchSize, double learningRate, long seed, int patience,
    int workers, int workersPerExecutor, int averagingFrequency, int prefetchBatches, double sharingThreshold, int sharingPort,
    int sharingWorkerPort, int sharingJoinTimeout, String sharingController, String sharingNetworkMask, String checkpointDir,
    Logreg logreg, boolean yardstick, boolean blendBaseline, boolean scaleLearningRate, int minBatchSize, int minSteps,
    double weightDecay, double labelSmoothing, double mixup, java.util.List<Integer> averageEpochs, RateDecay decay,
    ModalityDropout drop, int shift) implements Serializable {

  /**
   * These settings for a training split of {@code examples} over {@code workers}: the minibatch
   * shrinks from {@code batchSize} until each worker takes at least {@code minSteps} of them an
   * epoch (never below {@code minBatchSize}), and Adam's rate with it by the square root of the
   * ratio. Large minibatches are what make a DL4J step cheap per example (each op has a fixed cost
   * per call); a small catalogue needs small ones to make enough updates. With the shipped
   * defaults, the fashion catalogue's 8,950 training products on one worker keep 128 at 0.006 (on
   * two, 89 each at about 0.0050); the 800 of the bundled sample get 32 at 0.003. The averaging
   * master's scaling by the workers ({@link #learningRateFor}) comes on top. The minibatch follows
   * the workers, so a resume with another number of workers trains on with other minibatches, at
   * the rate its network started with.
   */
  public TrainSettings forTrainingSet(long examples, int workers) {
    long perWorker = examples / Math.max(1, workers);
    int batch = (int) Math.max(Math.min(minBatchSize, batchSize), Math.min(batchSize, perWorker / Math.max(1, minSteps)));
    double rate = learningRate * Math.sqrt((double) batch / batchSize);
    return new TrainSettings(master, epochs, batch, rate, seed, patience, workers(), workersPerExecutor,
        averagingFrequency, prefetchBatches, sharingThreshold, sharingPort, sharingWorkerPort, sharingJoinTimeout,
        sharingController, sharingNetworkMask, checkpointDir, logreg, yardstick, blendBaseline, scaleLearningRate, minBatchSize,
        minSteps, weightDecay, labelSmoothing, mixup, averageEpochs, decay, drop, shift);
  }

  /**
   * Adam's learning rate for a network trained by {@code workers} workers: {@code learningRate × workers}
   * with an averaging master ({@code averaging}, {@code threads}, or {@code auto}, which is one of them)
   * and {@code scaleLearningRate}, else {@code learningRate}. Each averaging round turns the workers'
   * steps into one averaged step, so an epoch makes 1/workers as many updates as one worker would;
   * scaling the rate gave two workers one worker's quality at the same epoch count
   * (docs/BENCHMARKS.md, per-epoch curves). Gradient sharing applies every worker's updates and is not scaled.
   */
  public double learningRateFor(int workers) {
    return master != Master.SHARING && scaleLearningRate && workers > 1 ? learningRate * workers : learningRate;
  }

  /**
   * The MLlib baseline ({@code train.logreg.*}).
   *
   * @param iterations maximum L-BFGS iterations
   * @param regularization L2 regularisation (MLlib's {@code regParam}: the loss is averaged over the examples)
   * @param sublinearTf term frequency {@code 1 + ln(count)} instead of the count
   * @param idf weight each id by its inverse document frequency
   * @param normalize scale each product's vector to unit length
   * @param standardize let MLlib standardise each feature before fitting
   */
  public record Logreg(int iterations, double regularization, boolean sublinearTf, boolean idf, boolean normalize,
      boolean standardize) implements Serializable {}

  /**
   * A step decay of Adam's rate ({@code train.decay-at}, {@code train.decay-factor}): the epochs after
   * {@code at × epochs} train at the rate times {@code factor}. Off by default: on the fashion
   * catalogue's image network (0.75, 0.1) raised test F1 by 1.0 point over six seeds and lowered
   * validation F1 by 0.3, so validation did not choose it (docs/BENCHMARKS.md, "A lower rate for the
   * last epochs").
   *
   * @param at share of the epochs trained at the full rate; 0 = no decay
   * @param factor what the rate is multiplied by after them
   */
  public record RateDecay(double at, double factor) implements Serializable {
    /** No decay. */
    public static final RateDecay NONE = new RateDecay(0, 1);

    /** What Adam's rate is multiplied by in {@code epoch} (from 1) of {@code epochs}: 1, or {@code factor} after {@code at × epochs}. */
    public double factor(int epoch, int epochs) {
      return at > 0 && epoch > Math.round(at * epochs) ? factor : 1;
    }

    /** Whether any epoch of {@code epochs} trains at another rate. */
    public boolean decays(int epochs) {
      return at > 0 && factor != 1 && Math.round(at * epochs) < epochs;
    }
  }

  /**
   * Modality dropout of a fusion network ({@code train.drop-image}, {@code train.drop-text}): in each
   * training minibatch, a share {@code image} of the examples has its photo withheld (a zero image and
   * {@code image_present = 0}: what a product whose image is unusable is scored with) and a share
   * {@code text} of the others its text (no ids), so that each branch also learns to classify alone.
   * Never at evaluation or scoring.
   *
   * @param image share of examples without their photo, 0 to 0.9
   * @param text share of examples without their text, 0 to 0.9; {@code image + text} at most 0.9
   */
  public record ModalityDropout(double image, double text) implements Serializable {
    /** Nothing withheld. */
    public static final ModalityDropout NONE = new ModalityDropout(0, 0);

    /** Whether any input is ever withheld. */
    public boolean active() {
      return image > 0 || text > 0;
    }
  }

  /** DL4J Spark training masters. */
  public enum Master {
    /** ParameterAveragingTrainingMaster: workers train locally and their parameters are averaged. */
    AVERAGING,
    /** SharedTrainingMaster: quantised gradient updates shared over the parameter server. */
    SHARING,
    /**
     * Parameter averaging as {@link #AVERAGING} does it, with the workers as threads of the driver JVM
     * instead of Spark tasks (a local Spark master only): no Spark job per round.
     */
    THREADS,
    /** {@link #THREADS} on a local Spark master ({@code local[N]}), {@link #AVERAGING} on a cluster. */
    AUTO;

    /** The master that trains: {@link #AUTO} resolved for a local Spark master or a cluster, others as they are. */
    public Master on(boolean localSpark) {
      return this != AUTO ? this : localSpark ? THREADS : AVERAGING;
    }
  }

  /** These settings with another {@code master}. */
  public TrainSettings withMaster(Master other) {
    return new TrainSettings(other, epochs, batchSize, learningRate, seed, patience, workers, workersPerExecutor,
        averagingFrequency, prefetchBatches, sharingThreshold, sharingPort, sharingWorkerPort, sharingJoinTimeout,
        sharingController, sharingNetworkMask, checkpointDir, logreg, yardstick, blendBaseline, scaleLearningRate,
        minBatchSize, minSteps, weightDecay, labelSmoothing, mixup, averageEpochs, decay, drop, shift);
  }
}
