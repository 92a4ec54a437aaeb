package io.catalogml.train;

import io.catalogml.evaluate.EpochMetrics;
import java.util.List;
import java.util.Map;

/**
 * The progress of one train run, saved as {@code state.json} beside its checkpoints after every
 * epoch, so that {@code train --resume} continues a killed run where it stopped.
 *
 * @param runId catalog-ml train run id (the checkpoint folder's name)
 * @param status {@code running}, {@code finished} or {@code failed}
 * @param trackingRunId the tracker's run that recorded it (the last one, after resumes)
 * @param settings the model and training settings that must not change on resume
 * @param featuresVersion Delta version of the features table trained on
 * @param epochsDone epochs completed (checkpoint {@code epoch-<epochsDone>.zip} holds the network after them)
 * @param bestEpoch epoch with the best validation weighted F1 so far (0 = none yet)
 * @param bestScore that weighted F1
 * @param history metrics of every completed epoch
 */
public record TrainState(String runId, String status, String trackingRunId, Map<String, String> settings,
    long featuresVersion, int epochsDone, int bestEpoch, double bestScore, List<EpochMetrics> history) {

  static final String RUNNING = "running";
  static final String FINISHED = "finished";
  static final String FAILED = "failed";

  /** The state of a new run. */
  static TrainState start(String runId, String trackingRunId, Map<String, String> settings, long featuresVersion) {
    return new TrainState(runId, RUNNING, trackingRunId, Map.copyOf(settings), featuresVersion, 0, 0, -1, List.of());
  }

  /** The state after one more epoch. */
  TrainState after(EpochMetrics epoch) {
    List<EpochMetrics> h = new java.util.ArrayList<>(history);
    h.add(epoch);
    boolean better = epoch.validationWeightedF1() > bestScore;
    return new TrainState(runId, status, trackingRunId, settings, featuresVersion, epoch.epoch(),
        better ? epoch.epoch() : bestEpoch, better ? epoch.validationWeightedF1() : bestScore, List.copyOf(h));
  }

  TrainState withStatus(String newStatus) {
    return new TrainState(runId, newStatus, trackingRunId, settings, featuresVersion, epochsDone, bestEpoch,
        bestScore, history);
  }

  TrainState withTrackingRun(String id) {
    return new TrainState(runId, status, id, settings, featuresVersion, epochsDone, bestEpoch, bestScore, history);
  }
}
