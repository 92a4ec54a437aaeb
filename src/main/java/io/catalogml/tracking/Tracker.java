package io.catalogml.tracking;

/**
 * Where job runs are recorded: an MLflow tracking server, or a local folder in MLflow's own
 * file-store layout. Every job records one run through this seam; tests use the real
 * implementations.
 *
 * <p>Implementations never print, log or record credentials.
 */
public interface Tracker extends AutoCloseable {
  /**
   * Starts a run in an experiment, creating the experiment when it does not exist.
   *
   * @param experiment experiment name, one per job kind, e.g. {@code catalog-ml/train}
   * @param runName a human-readable run name
   */
  TrackedRun startRun(String experiment, String runName);

  /**
   * The run of {@code experiment} tagged {@code tagKey = tagValue} (the oldest one, should there be
   * several), whatever its status, or a new run so tagged when there is none: a long-lived run that
   * many job runs log into, such as one monitored model's nightly history. MLflow takes metrics, tags
   * and params into a FINISHED run as into a running one; {@link TrackedRun#end} sets its status and
   * end time again. A run found FINISHED, FAILED or KILLED counts as ended: {@link TrackedRun#close()}
   * leaves it as it is.
   *
   * @param runName the name of a new run
   */
  TrackedRun runTagged(String experiment, String tagKey, String tagValue, String runName);

  /** The model registry of the same store. */
  ModelRegistry registry();

  /** Where runs go, without credentials: {@code http://host:5000} or {@code file:///.../mlruns}. */
  String uri();

  /** Releases connections; runs still open are left as they are. */
  @Override
  void close();
}
