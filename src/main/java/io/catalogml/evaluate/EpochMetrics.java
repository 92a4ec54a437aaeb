package io.catalogml.evaluate;

import com.fasterxml.jackson.annotation.JsonPropertyOrder;

/**
 * What one training epoch achieved, for {@link LearningCurvePlot} and the tracker.
 *
 * @param epoch epoch number (usually 1-based)
 * @param trainLoss mean training loss of the epoch
 * @param validationLoss validation log loss, or {@code NaN} if it was not computed
 * @param validationAccuracy validation accuracy in [0, 1]
 * @param validationWeightedF1 validation weighted F1 in [0, 1]
 * @param validationMacroF1 validation macro F1 in [0, 1]
 * @param seconds wall time of the epoch, evaluation included
 */
@JsonPropertyOrder({"epoch", "trainLoss", "validationLoss", "validationAccuracy", "validationWeightedF1",
    "validationMacroF1", "seconds"})
public record EpochMetrics(
    int epoch,
    double trainLoss,
    double validationLoss,
    double validationAccuracy,
    double validationWeightedF1,
    double validationMacroF1,
    double seconds) {

  /** The epoch's metrics from its validation report; the validation loss is the report's log loss. */
  public static EpochMetrics of(int epoch, double trainLoss, ClassificationReport validation, double seconds) {
    return new EpochMetrics(epoch, trainLoss, validation.logLoss(), validation.accuracy(),
        validation.weightedF1(), validation.macroF1(), seconds);
  }
}
