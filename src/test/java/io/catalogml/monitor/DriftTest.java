package io.catalogml.monitor;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.tracking.MlflowServer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The class-mix distances against scipy's own Jensen-Shannon distance and the PSI formula by hand. */
class DriftTest {
  static final Map<String, Long> A = Map.of("shirt", 50L, "watch", 30L, "shoe", 20L);
  static final Map<String, Long> B = Map.of("shirt", 10L, "watch", 60L, "bag", 30L);

  @Test
  void jensenShannonDistanceIsScipys() throws Exception {
    // Categories in the sorted order Drift uses: bag, shirt, shoe, watch.
    String script = "from scipy.spatial.distance import jensenshannon\n"
        + "print(jensenshannon([0, .5, .2, .3], [.3, .1, 0, .6]))\n"
        + "print(jensenshannon([.25, .25, .25, .25], [.25, .25, .25, .25]))\n"
        + "print(jensenshannon([1, 0], [0, 1]))\n";
    Process p = new ProcessBuilder(MlflowServer.PYTHON.toString(), "-c", script).redirectErrorStream(true).start();
    assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
    List<String> lines = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip().lines().toList();
    assertThat(p.exitValue()).as(String.join("\n", lines)).isZero();
    assertThat(Drift.jensenShannon(A, B)).isCloseTo(Double.parseDouble(lines.get(0)), within(1e-12));
    assertThat(Drift.jensenShannon(A, A)).isCloseTo(Double.parseDouble(lines.get(1)), within(1e-12));
    assertThat(Drift.jensenShannon(Map.of("x", 5L), Map.of("y", 7L)))
        .isCloseTo(Double.parseDouble(lines.get(2)), within(1e-12)).isCloseTo(Math.sqrt(Math.log(2)), within(1e-12));
  }

  @Test
  void psiFloorsEmptyBinsAndIsZeroForTheSameMix() {
    double floor = Drift.PSI_FLOOR;
    double expected = (0.3 - floor) * Math.log(0.3 / floor) + (0.1 - 0.5) * Math.log(0.1 / 0.5)
        + (floor - 0.2) * Math.log(floor / 0.2) + (0.6 - 0.3) * Math.log(0.6 / 0.3);
    assertThat(Drift.psi(A, B)).isCloseTo(expected, within(1e-12));
    assertThat(Drift.psi(A, Map.of("shirt", 5L, "watch", 3L, "shoe", 2L))).isCloseTo(0.0, within(1e-12));
  }

  @Test
  void checksBreachOnlyPastTheirThresholdAndNeverOnAMissingValue() {
    assertThat(Check.of("d", 0.11, null, 0.1, Check.Rule.DISTANCE).breached()).isTrue();
    assertThat(Check.of("d", 0.09, null, 0.1, Check.Rule.DISTANCE).breached()).isFalse();
    assertThat(Check.of("r", 0.35, 0.2, 0.1, Check.Rule.RISE).breached()).isTrue();
    assertThat(Check.of("r", 0.05, 0.2, 0.1, Check.Rule.RISE).breached()).as("a fall is not a rise").isFalse();
    assertThat(Check.of("f", 0.6, 0.8, 0.1, Check.Rule.DROP).breached()).isTrue();
    assertThat(Check.of("f", 0.95, 0.8, 0.1, Check.Rule.DROP).breached()).isFalse();
    assertThat(Check.of("c", 4.0, 6.0, 0.25, Check.Rule.RELATIVE_CHANGE).breached()).isTrue();
    assertThat(Check.of("c", 8.0, 6.0, 0.25, Check.Rule.RELATIVE_CHANGE).breached()).isTrue();
    assertThat(Check.of("c", 6.5, 6.0, 0.25, Check.Rule.RELATIVE_CHANGE).breached()).isFalse();
    assertThat(Check.of("n", null, 0.2, 0.1, Check.Rule.RISE).breached()).isFalse();
    assertThat(Check.of("n", 0.9, null, 0.1, Check.Rule.DROP).breached()).isFalse();
  }
}
