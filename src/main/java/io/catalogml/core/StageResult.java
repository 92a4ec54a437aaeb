package io.catalogml.core;

/**
 * The typed result of a stage. The CLI prints it as the last line of stdout in JSON
 * ({@link Json#line(Object)}); trackers log its numbers as metrics.
 */
public interface StageResult {
  /** The job that produced this result, e.g. {@code ingest}. */
  String job();
}
