package io.catalogml.core;

/**
 * The typed result of a stage. The CLI prints it as the last line of stdout in JSON
 * ({@link Json#line(Object)}); trackers log its numbers as metrics.
 */
public interface StageResult {
  /** The job that produced this result, e.g. {@code ingest}. */
  String job();

  /**
   * Exit code of a job that ran to its end: 0, or a documented code for a finding a scheduler must
   * act on although nothing failed ({@link CatalogErrors#DRIFT}). The JSON line is printed either way.
   */
  default int exitCode() {
    return 0;
  }
}
