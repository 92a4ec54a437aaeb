package io.catalogml.train;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.util.function.BooleanSupplier;
import org.nd4j.parameterserver.distributed.v2.ModelParameterServer;
import org.nd4j.parameterserver.distributed.v2.transport.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bounds how long an executor's gradient-sharing task waits to join the driver's parameter server.
 * DL4J 1.0.0-M2 starts the node of an executor JVM and then sleeps until the controller has
 * introduced it to the mesh, with no timeout: a node that cannot bind its port or reach the
 * controller hangs the training for good. A watch armed by each task interrupts that sleep
 * after {@code train.sharing.join-timeout} seconds (DL4J turns the interrupt into a task failure,
 * which ends the barrier stage and the job), and from then on every task in the JVM fails at once
 * with {@link CatalogErrors#sharingDidNotJoin}. On the driver {@link #failedToJoin} recognises
 * such a failure, and the handshake DL4J gives up on itself, in the job's exception.
 */
final class SharingJoinWatch {
  private static final Logger LOG = LoggerFactory.getLogger(SharingJoinWatch.class);
  private static volatile boolean fired;

  private SharingJoinWatch() {}

  /** Whether this JVM's parameter-server node has joined the mesh. */
  static boolean joined() {
    ModelParameterServer server = ModelParameterServer.getInstance();
    Transport transport = server.isInitialized() ? server.getTransport() : null;
    return transport != null && transport.isIntroduced();
  }

  /**
   * Arms a watch for the calling task thread: fails at once when a watch already fired in this
   * JVM; otherwise interrupts the thread when {@code joined} is still false after the timeout and
   * {@code done} (the task's end) has not come.
   */
  static void arm(String controller, int port, int timeoutSeconds, BooleanSupplier joined, BooleanSupplier done) {
    if (fired) {
      throw CatalogErrors.sharingDidNotJoin(controller, port, timeoutSeconds, null);
    }
    if (joined.getAsBoolean()) {
      return;
    }
    Thread task = Thread.currentThread();
    long deadline = System.nanoTime() + timeoutSeconds * 1_000_000_000L;
    Thread watch = new Thread(() -> {
      while (System.nanoTime() < deadline) {
        if (joined.getAsBoolean() || done.getAsBoolean()) {
          return;
        }
        try {
          Thread.sleep(200);
        } catch (InterruptedException e) {
          return;
        }
      }
      if (!joined.getAsBoolean() && !done.getAsBoolean()) {
        CatalogException error = CatalogErrors.sharingDidNotJoin(controller, port, timeoutSeconds, null);
        fired = true;
        LOG.error("{}", error.getMessage());
        task.interrupt();
      }
    }, "catalog-ml-sharing-join-watch");
    watch.setDaemon(true);
    watch.start();
  }

  /**
   * Whether a failed Spark job is an executor's node that did not join: a task interrupted by a
   * watch while DL4J waited to be introduced, or DL4J's own "Can't proceed with handshake".
   */
  static boolean failedToJoin(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CatalogException ce && "train.sharing-join-timeout".equals(ce.code())) {
        return true;
      }
      String message = String.valueOf(t.getMessage());
      if (message.contains("Can't proceed with handshake")) {
        return true;
      }
      if (t instanceof InterruptedException) {
        for (StackTraceElement frame : t.getStackTrace()) {
          if (frame.getClassName().endsWith("SharedTrainingWrapper")) {
            return true;
          }
        }
      }
    }
    return false;
  }

  /** Forgets a fired watch (tests; a JVM after a failed join is otherwise not trusted again). */
  static void reset() {
    fired = false;
  }
}
