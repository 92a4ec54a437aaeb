package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.core.CatalogException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The retry rules on faults a real MLflow server will not produce on demand: a 503, a 400, a
 * request that never gets an answer. The failures here are fakes (thrown or a silent socket),
 * not MLflow.
 */
class RetryWithFakeFailuresTest {
  @Test
  void a503IsRetriedUntilItSucceeds() {
    AtomicInteger calls = new AtomicInteger();
    try (Retry retry = new Retry("http://fake", 3, 10, Duration.ofSeconds(5))) {
      String answer = retry.call("log metrics", () -> {
        if (calls.incrementAndGet() < 3) {
          throw new MlflowHttpException(503, "Service Unavailable", "fake overload");
        }
        return "ok";
      });
      assertThat(answer).isEqualTo("ok");
      assertThat(calls).hasValue(3);
      assertThat(retry.attempts()).isEqualTo(3);
    }
  }

  @Test
  void a400IsNotRetried() {
    AtomicInteger calls = new AtomicInteger();
    try (Retry retry = new Retry("http://fake", 3, 10, Duration.ofSeconds(5))) {
      assertThatThrownBy(() -> retry.call("log params", () -> {
        calls.incrementAndGet();
        throw new MlflowHttpException(400, "Bad Request", "{\"error_code\": \"INVALID_PARAMETER_VALUE\"}");
      })).isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("tracking.rejected"))
          .hasMessageContaining("HTTP 400").hasMessageContaining("INVALID_PARAMETER_VALUE");
      assertThat(calls).hasValue(1);
    }
  }

  @Test
  void aRequestWithoutAnswerTimesOutAndIsRetriedWithGrowingWaits() {
    List<Long> starts = new ArrayList<>();
    try (Retry retry = new Retry("http://fake", 2, 100, Duration.ofMillis(300))) {
      assertThatThrownBy(() -> retry.call("end the run", () -> {
        starts.add(System.nanoTime() / 1_000_000);
        Thread.sleep(5_000);
        return null;
      })).isInstanceOf(CatalogException.class).hasMessageContaining("3 attempt(s) failed");
    }
    assertThat(starts).hasSize(3);
    assertThat(starts.get(1) - starts.get(0)).isGreaterThanOrEqualTo(300 + 100);
    assertThat(starts.get(2) - starts.get(1)).isGreaterThanOrEqualTo(300 + 200);
  }

  @Test
  void aServerThatAcceptsButNeverAnswersIsUnreachableAtStart() throws IOException {
    try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"))) {
      Thread acceptor = new Thread(() -> {
        List<Socket> held = new ArrayList<>();
        try {
          while (true) {
            held.add(silent.accept());
          }
        } catch (IOException closed) {
          // test over
        }
      });
      acceptor.setDaemon(true);
      acceptor.start();
      String uri = "http://127.0.0.1:" + silent.getLocalPort();
      var settings = new io.catalogml.config.CatalogConfig.TrackingSettings(uri, "mlruns",
          io.catalogml.config.Settings.TrackingFallback.FAIL, 3, 10, 1);
      assertThatThrownBy(() -> Trackers.open(settings, java.util.Map.of()))
          .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("tracking.unreachable"))
          .hasMessageContaining("no answer within 1 s");
    }
  }
}
