package io.catalogml.train;

import io.catalogml.core.StageResult;

/**
 * What one train run did, printed as the job's last line and logged to the tracker.
 *
 * @param job always {@code train}
 * @param runId catalog-ml train run id (its checkpoint folder)
 * @param trackingRunId the tracker's run id
 * @param modelType {@code dl4j} or {@code mllib-logreg}
 * @param mode inputs of the network ({@code text} for the baseline)
 * @param master training master ({@code none} for the baseline)
 * @param workers data partitions trained in parallel
 * @param featuresVersion Delta version of the features trained on
 * @param trainExamples labelled training rows
 * @param classes classes the model predicts
 * @param epochs epochs completed in the run (resumed ones included)
 * @param resumedFromEpoch epochs already done when this job started (0 = a new run)
 * @param bestEpoch the epoch with the best validation weighted F1 (the packaged network, unless {@code averagedEpochs})
 * @param stoppedEarly whether patience stopped training before train.epochs
 * @param averagedEpochs the epochs ({@code from-to}) whose mean weights are the packaged network
 *     ({@code train.average-epochs}); null when it is the best epoch's network
 * @param examplesPerSecond training examples per second of distributed fitting in this job
 * @param validationWeightedF1 weighted F1 of the packaged model on the validation split
 * @param testAccuracy accuracy on the test split
 * @param testWeightedF1 weighted F1 on the test split
 * @param testMacroF1 macro F1 on the test split
 * @param testTop5Accuracy top-5 accuracy on the test split
 * @param modelPath local folder of the model package
 * @param registeredModel registered model name
 * @param modelVersion the version created from this run
 * @param champion whether this version is now the champion
 * @param championTestWeightedF1 the previous champion's test weighted F1 on the same split (null when none was comparable)
 * @param promotion why the champion alias moved or not
 * @param baselineTestWeightedF1 the mllib-logreg baseline's test weighted F1, fitted in the same run on the same
 *     split ({@code train.yardstick}; null for the baseline itself or when off)
 * @param blendBaselineWeight the baseline's weight in the packaged model when the network is blended with it
 *     ({@code train.blend-baseline}; null when not blended)
 * @param networkTestWeightedF1 the network's own test weighted F1 when it is blended (null when not blended)
 * @param textPathTestWeightedF1 fusion networks: the packaged model's test weighted F1 with every photo withheld,
 *     as products whose image is unusable are scored (the text path); null for other models
 * @param seconds wall time of the stage
 */
public record TrainResult(String job, String runId, String trackingRunId, String modelType, String mode,
    String master, int workers, long featuresVersion, long trainExamples, int classes, int epochs,
    int resumedFromEpoch, int bestEpoch, boolean stoppedEarly, String averagedEpochs, double examplesPerSecond,
    double validationWeightedF1,
    double testAccuracy, double testWeightedF1, double testMacroF1, double testTop5Accuracy, String modelPath,
    String registeredModel, String modelVersion, boolean champion, Double championTestWeightedF1, String promotion,
    Double baselineTestWeightedF1, Double blendBaselineWeight, Double networkTestWeightedF1, Double textPathTestWeightedF1,
    double seconds)
    implements StageResult {}
