package io.catalogml.lake;

import io.catalogml.core.CatalogErrors;
import java.util.ConcurrentModificationException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retry of an idempotent Delta write that lost a race: another writer committed to the
 * same table first ({@code ConcurrentAppendException}, {@code ProtocolChangedException} on a new
 * table, ...). Each attempt must re-read the table state; after the last one the job fails with
 * {@link CatalogErrors#writeConflict} (its own exit code), never with partial rows, since a
 * Delta commit is all or nothing.
 */
public final class DeltaConflicts {
  private static final Logger LOG = LoggerFactory.getLogger(DeltaConflicts.class);

  private DeltaConflicts() {}

  /**
   * Runs {@code attempt}, again up to {@code retries} times while it fails with a Delta conflict,
   * waiting a random 0.2-1 s times the attempt number between tries.
   *
   * @param table logical name of the table written, for the message
   */
  public static <T> T retry(String table, int retries, Supplier<T> attempt) {
    for (int i = 0; ; i++) {
      try {
        return attempt.get();
      } catch (RuntimeException e) {
        ConcurrentModificationException conflict = conflict(e);
        if (conflict == null) {
          throw e;
        }
        if (i >= retries) {
          throw CatalogErrors.writeConflict(table, i + 1, conflict.getClass().getSimpleName(), e);
        }
        long wait = (long) ((i + 1) * ThreadLocalRandom.current().nextDouble(200, 1000));
        LOG.warn("{}: another writer committed first ({}); retrying in {} ms ({} of {})", table,
            conflict.getClass().getSimpleName(), wait, i + 1, retries);
        try {
          Thread.sleep(wait);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
      }
    }
  }

  /** The Delta conflict in the cause chain of {@code e}, or null. */
  static ConcurrentModificationException conflict(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof ConcurrentModificationException c) {
        return c;
      }
    }
    return null;
  }
}
