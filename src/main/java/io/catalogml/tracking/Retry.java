package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import org.mlflow.tracking.MlflowClientException;
import org.mlflow.tracking.MlflowHttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounded retries with exponential backoff and a time limit per attempt, for every request to a
 * tracking server. Transient failures (5xx, 429, a timeout, a lost or refused connection) are
 * retried; a 4xx is not. When the retries are spent the failure becomes a {@link CatalogException}.
 *
 * <p>The mlflow-client's HTTP client has no timeouts, so each attempt runs on a daemon thread
 * and is abandoned after the time limit.
 */
final class Retry implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Retry.class);

  private final String uri;
  private final int retries;
  private final long firstWaitMillis;
  private final Duration timeout;
  private final ExecutorService executor = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "catalog-ml-tracking");
    t.setDaemon(true);
    return t;
  });
  private final AtomicLong attempts = new AtomicLong();

  Retry(String uri, int retries, long firstWaitMillis, Duration timeout) {
    this.uri = uri;
    this.retries = retries;
    this.firstWaitMillis = firstWaitMillis;
    this.timeout = timeout;
  }

  Duration timeout() {
    return timeout;
  }

  /** Requests sent so far, retries included (tests check that metrics are batched). */
  long attempts() {
    return attempts.get();
  }

  /** Runs {@code call}, retrying transient failures; {@code what} completes "Cannot ...". */
  <T> T call(String what, Callable<T> call) {
    long wait = firstWaitMillis;
    for (int attempt = 1; ; attempt++) {
      attempts.incrementAndGet();
      Throwable failure;
      try {
        return once(call);
      } catch (TimeoutException e) {
        failure = e;
      } catch (ExecutionException e) {
        failure = e.getCause();
      }
      String detail = describe(failure);
      if (!isTransient(failure)) {
        throw failure instanceof CatalogException ce ? ce : CatalogErrors.trackingRejected(what, uri, detail);
      }
      if (attempt > retries) {
        throw CatalogErrors.trackingGaveUp(what, uri, attempt, detail);
      }
      LOG.warn("Tracking: cannot {} ({}); retry {} of {} in {} ms", what, detail, attempt, retries, wait);
      sleep(wait);
      wait = Math.min(wait * 2, 600_000);
    }
  }

  /** Runs {@code call} once, without retries: null when it succeeds, else what went wrong. */
  String failureOf(Callable<?> call) {
    attempts.incrementAndGet();
    try {
      once(call);
      return null;
    } catch (TimeoutException e) {
      return describe(e);
    } catch (ExecutionException e) {
      return describe(e.getCause());
    }
  }

  /** Like {@link #call} for a call without a result. */
  void run(String what, Runnable call) {
    call(what, () -> {
      call.run();
      return null;
    });
  }

  private <T> T once(Callable<T> call) throws TimeoutException, ExecutionException {
    Future<T> future = executor.submit(call);
    try {
      return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      future.cancel(true);
      Thread.currentThread().interrupt();
      throw new ExecutionException(e);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw e;
    }
  }

  static boolean isTransient(Throwable t) {
    if (t instanceof MlflowHttpException http) {
      return http.getStatusCode() >= 500 || http.getStatusCode() == 429;
    }
    return t instanceof TimeoutException || t instanceof IOException || t instanceof UncheckedIOException
        || (t instanceof MlflowClientException && t.getCause() instanceof IOException);
  }

  private String describe(Throwable t) {
    if (t instanceof TimeoutException || t instanceof HttpTimeoutException) {
      return "no answer within " + timeout.toSeconds() + " s";
    }
    if (t instanceof MlflowHttpException http) {
      String body = http.getBodyMessage() == null ? "" : ": " + abbreviate(http.getBodyMessage());
      return "HTTP " + http.getStatusCode() + body;
    }
    Throwable root = t;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + abbreviate(root.getMessage()));
  }

  private static String abbreviate(String s) {
    String one = s.replaceAll("\\s+", " ").strip();
    return one.length() <= 300 ? one : one.substring(0, 300) + "...";
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting to retry a tracking request", e);
    }
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
