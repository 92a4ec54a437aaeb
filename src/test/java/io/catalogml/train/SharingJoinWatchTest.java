package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.core.CatalogException;
import org.apache.spark.SparkException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.exception.ND4JIllegalStateException;

/**
 * The join watch. An executor that cannot reach the driver's controller cannot be produced on one
 * loopback host, so these tests stand in for it with a node that never joins, named as a fake.
 */
class SharingJoinWatchTest {
  @AfterEach
  void reset() {
    SharingJoinWatch.reset();
    Thread.interrupted();
  }

  @Test
  void aTaskWaitingForANodeThatNeverJoinsIsInterruptedAndLaterTasksFailAtOnce_fakeNeverJoined() {
    long start = System.nanoTime();
    SharingJoinWatch.arm("10.0.0.1", 40123, 1, () -> false, () -> false);
    boolean interrupted = false;
    try {
      Thread.sleep(30_000); // where DL4J sleeps until it is introduced
    } catch (InterruptedException e) {
      interrupted = true;
    }
    assertThat(interrupted).isTrue();
    assertThat((System.nanoTime() - start) / 1e9).isBetween(0.9, 10.0);

    assertThatThrownBy(() -> SharingJoinWatch.arm("10.0.0.1", 40123, 1, () -> true, () -> false))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("did not join the driver's controller at 10.0.0.1:40123 (UDP) within 1 s")
        .extracting(e -> ((CatalogException) e).code()).isEqualTo("train.sharing-join-timeout");
  }

  @Test
  void aNodeThatJoinsOrATaskThatEndsIsLeftAlone() throws Exception {
    SharingJoinWatch.arm("127.0.0.1", 40123, 1, () -> true, () -> false);
    SharingJoinWatch.arm("127.0.0.1", 40123, 1, () -> false, () -> true);
    Thread.sleep(1_500);
    assertThat(Thread.interrupted()).isFalse();
  }

  @Test
  void theDriverRecognisesAJoinFailureInsideTheSparkJobsException_fakeDl4jHandshakeFailure() {
    Throwable handshake = new SparkException("Job aborted due to stage failure",
        new ND4JIllegalStateException("Can't proceed with handshake from [aeron:udp?endpoint=127.0.0.1:45000] to "
            + "[aeron:udp?endpoint=localhost:40123]"));
    assertThat(SharingJoinWatch.failedToJoin(handshake)).isTrue();
    assertThat(SharingJoinWatch.failedToJoin(new SparkException("Job aborted", new IllegalStateException("NaN"))))
        .isFalse();
    assertThat(SharingJoinWatch.failedToJoin(new RuntimeException(new InterruptedException()))).isFalse();
  }
}
