package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.core.CatalogException;
import java.net.DatagramSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The parameter server's ports, with real UDP sockets holding ports where a test needs one taken. */
class SharingPortsTest {
  @AfterEach
  void forget() {
    SharingPorts.forget();
  }

  @Test
  void theDriverGetsTheControllerPortAndAnExecutorAFreePortOfItsOwnChosenOnce() {
    SharingPorts ports = new SharingPorts(41234, 0);
    assertThat(ports.portFor(true)).isEqualTo(41234);
    int node = ports.portFor(false);
    assertThat(node).isPositive().isNotEqualTo(41234);
    // DL4J asks twice (its log line, then the transport): the same port both times.
    assertThat(ports.portFor(false)).isEqualTo(node);
    // A unit test JVM has no SparkEnv: it counts as the driver, like local mode.
    assertThat(ports.getPort()).isEqualTo(41234);
  }

  @Test
  void aFixedWorkerPortInUseFailsWithTheSettingToChange() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0)) {
      SharingPorts ports = new SharingPorts(41234, taken.getLocalPort());
      assertThatThrownBy(() -> ports.portFor(false))
          .isInstanceOf(CatalogException.class)
          .hasMessageContaining("UDP port " + taken.getLocalPort())
          .hasMessageContaining("train.sharing.worker-port to a free port, or to 0")
          .extracting(e -> ((CatalogException) e).code()).isEqualTo("train.sharing-port-in-use");
    }
  }

  @Test
  void aControllerPortInUseOnTheDriverFailsBeforeDl4jBindsIt() throws Exception {
    try (DatagramSocket taken = new DatagramSocket(0)) {
      SharingPorts ports = new SharingPorts(taken.getLocalPort(), 0);
      assertThatThrownBy(ports::checkControllerPort)
          .isInstanceOf(CatalogException.class)
          .hasMessageContaining("on the driver")
          .hasMessageContaining("Set train.sharing.port to a free port")
          .extracting(e -> ((CatalogException) e).exitCode()).isEqualTo(2);
    }
  }
}
