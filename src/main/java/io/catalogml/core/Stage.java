package io.catalogml.core;

/**
 * One pipeline stage: configured up front, run once by {@link #execute()}, returning a typed
 * result. Job entry points, notebooks and tests all drive stages through this interface.
 *
 * @param <R> the typed result of the stage
 */
public interface Stage<R extends StageResult> {
  /** Runs the stage and returns what it did. */
  R execute();
}
