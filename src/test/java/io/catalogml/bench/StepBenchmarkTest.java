package io.catalogml.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import io.catalogml.core.CatalogException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** bench step measures both layer paths per mode, profiles ops, and rejects options it cannot run. */
class StepBenchmarkTest {
  private static final CatalogConfig SMALL = ConfigLoader.load(List.of(),
      List.of("preprocess.image.width=16", "preprocess.image.height=16", "train.batch-size=4"));

  @Test
  void measuresBuiltInAndOneDnnLayersAndWhereTheTimeGoes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    StepBenchmark.Result r = new StepBenchmark(SMALL, List.of("text", "image"), 2, 50, true,
        new PrintStream(out, true, StandardCharsets.UTF_8)).execute();

    assertThat(r.cells()).extracting(c -> c.mode() + "/" + c.layers())
        .containsExactly("text/builtin", "text/onednn", "text/onednn, frequency bag", "image/builtin", "image/onednn");
    assertThat(r.cells()).allSatisfy(c -> {
      assertThat(c.batch()).isEqualTo(4);
      assertThat(c.msPerStep()).isPositive();
      assertThat(c.examplesPerSecond()).isCloseTo(4000 / c.msPerStep(), org.assertj.core.api.Assertions.within(1e-6));
    });
    assertThat(r.speedup()).containsOnlyKeys("text", "image");
    assertThat(r.bagSpeedup()).as("only a network with a text branch has a bag").containsOnlyKeys("text");
    // The frequency bag multiplies [batch, vocabulary] by the embedding matrix; the embedding bag reads the ids.
    assertThat(r.profile()).filteredOn(s -> s.mode().equals("text") && s.op().equals("matmul"))
        .extracting(StepBenchmark.OpShare::layers).contains(StepBenchmark.FREQUENCIES);
    // The image network's convolutions are libnd4j's conv2d with oneDNN, im2col without.
    assertThat(r.profile()).anyMatch(s -> s.mode().equals("image") && s.layers().equals("onednn") && s.op().equals("conv2d"));
    assertThat(r.profile()).noneMatch(s -> s.layers().equals("onednn") && s.op().equals("im2col"));
    assertThat(r.profile()).anyMatch(s -> s.layers().equals("builtin") && s.op().equals("im2col"));
    assertThat(r.profile()).filteredOn(s -> s.op().equals("(outside ops)")).hasSize(5)
        .allSatisfy(s -> assertThat(s.msPerStep()).isNotNegative());
    String table = out.toString(StandardCharsets.UTF_8);
    assertThat(table).contains("| image | onednn | 1 | 4 |", "| mode | oneDNN layers vs built-in |",
        "| mode | embedding bag from ids vs frequency bag (both oneDNN) |", "| image | onednn | (outside ops) |")
        .doesNotContain("no oneDNN in this ND4J build");
  }

  @Test
  void rejectsAnUnknownModeAndNoSteps() {
    PrintStream table = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
    assertThatThrownBy(() -> new StepBenchmark(SMALL, List.of("video"), 2, 50, false, table))
        .isInstanceOf(CatalogException.class).hasMessageContaining("--modes video").hasMessageContaining("text, image or fusion");
    assertThatThrownBy(() -> new StepBenchmark(SMALL, List.of("text"), 0, 50, false, table))
        .isInstanceOf(CatalogException.class).hasMessageContaining("--steps 0");
  }
}
