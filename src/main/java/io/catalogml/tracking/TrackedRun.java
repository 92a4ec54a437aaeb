package io.catalogml.tracking;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * One run of one job in the tracker: params, metrics with steps, tags and artifacts.
 *
 * <p>{@link #close()} ends a run that was not ended explicitly as {@link RunStatus#FAILED}
 * ("the job did not finish"), so a job that throws always leaves a FAILED run behind.
 */
public interface TrackedRun extends AutoCloseable {
  /** The tracker's run id. */
  String runId();

  /** Id of the run's experiment. */
  String experimentId();

  /** The tracker the run is recorded in (its owner closes it: do not). */
  Tracker tracker();

  /** Logs params (the flattened configuration, hyper-parameters). A param is written once. */
  void logParams(Map<String, String> params);

  /** Sets tags (git commit, user, Spark master, input table versions, library versions...). */
  void setTags(Map<String, String> tags);

  /** Logs several metrics at one step in one call (one request to a server). */
  void logMetrics(Map<String, Double> metrics, long step);

  /** The steps at which {@code metric} has a value, in the order they were logged; empty when it has none. */
  List<Long> metricSteps(String metric);

  /**
   * Copies a file or a whole folder into the run's artifacts.
   *
   * @param fileOrFolder local file or folder
   * @param artifactPath folder inside the run's artifacts ({@code ""} = the root); a folder keeps its name
   *     below it, e.g. {@code logArtifact(Path.of("out/model"), "")} gives {@code model/...}
   */
  void logArtifact(Path fileOrFolder, String artifactPath);

  /** Downloads an artifact file or folder of this run to {@code target}; returns the local path. */
  Path downloadArtifact(String artifactPath, Path target);

  /** Ends the run; {@code reason} is recorded (as a tag) for a FAILED run. */
  void end(RunStatus status, String reason);

  /** Ends the run as FAILED unless it was already ended. */
  @Override
  void close();

  /** Terminal states of a run, as MLflow names them. */
  enum RunStatus { FINISHED, FAILED, KILLED }
}
