package io.catalogml.train;

import io.catalogml.core.CatalogErrors;
import java.net.DatagramSocket;
import java.net.SocketException;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.SparkEnv;
import org.nd4j.parameterserver.distributed.v2.transport.PortSupplier;

/**
 * The UDP ports of gradient sharing's parameter server: {@code train.sharing.port} for the
 * controller on the driver, and {@code train.sharing.worker-port} for the node of every executor
 * JVM, where 0 (the default) picks a free port once per JVM.
 *
 * <p>DL4J 1.0.0-M2 asks one {@link PortSupplier} for both: the driver takes its answer as the
 * controller port, and every executor JVM asks it again for its own node's port. Its default
 * supplier answers 49876 everywhere, and {@code VoidConfiguration.builder().unicastPort(int)} does
 * not change that (its builder drops the value): the driver and every executor of one host bound
 * the same endpoint, and the second executor failed with Aeron's {@code Address already in use}
 * and then waited for good to be introduced to the controller. Several executors per host is the
 * common case on YARN, Kubernetes and a standalone cluster with several workers per machine.
 *
 * <p>A fixed port is probed before DL4J binds it, so that a port in use fails with
 * {@link CatalogErrors#sharingPortInUse} instead of a hang.
 */
final class SharingPorts implements PortSupplier {
  private static final long serialVersionUID = 1L;
  /** This JVM's node port once chosen; DL4J asks several times (once for its log line). */
  private static final AtomicInteger CHOSEN = new AtomicInteger();
  /** The executor id of the driver (Spark's {@code SparkContext.DRIVER_IDENTIFIER}, private to Spark). */
  private static final String DRIVER = "driver";
  private final int controllerPort;
  private final int workerPort;

  SharingPorts(int controllerPort, int workerPort) {
    this.controllerPort = controllerPort;
    this.workerPort = workerPort;
  }

  @Override
  public int getPort() {
    return portFor(onDriver());
  }

  /** The controller's port on the driver, else this executor JVM's node port (chosen once). */
  int portFor(boolean driver) {
    if (driver) {
      return controllerPort;
    }
    int chosen = CHOSEN.get();
    if (chosen != 0) {
      return chosen;
    }
    synchronized (CHOSEN) {
      if (CHOSEN.get() == 0) {
        CHOSEN.set(workerPort == 0 ? freeUdpPort() : probed(workerPort, "executor", "train.sharing.worker-port"));
      }
      return CHOSEN.get();
    }
  }

  /** Fails with a clear error when the controller port is taken on the driver; call before DL4J binds it. */
  void checkControllerPort() {
    probed(controllerPort, "driver", "train.sharing.port");
  }

  /** Forgets this JVM's chosen node port (tests). */
  static void forget() {
    CHOSEN.set(0);
  }

  /** Whether this JVM is Spark's driver (local mode included). */
  static boolean onDriver() {
    SparkEnv env = SparkEnv.get();
    return env == null || DRIVER.equals(env.executorId());
  }

  private static int freeUdpPort() {
    try (DatagramSocket socket = new DatagramSocket(0)) {
      return socket.getLocalPort();
    } catch (SocketException e) {
      throw new IllegalStateException("cannot find a free UDP port for gradient sharing: " + e.getMessage(), e);
    }
  }

  private static int probed(int port, String node, String setting) {
    try (DatagramSocket socket = new DatagramSocket(port)) {
      return port;
    } catch (SocketException e) {
      throw CatalogErrors.sharingPortInUse(node, port, setting);
    }
  }
}
