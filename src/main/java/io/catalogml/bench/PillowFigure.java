package io.catalogml.bench;

import io.catalogml.config.ImageSpec;
import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Pillow's one-thread images/s on the same files and output size as a benchmark, measured by running
 * {@code pillow_decode.py} (a resource beside this class) with a Python that has Pillow.
 *
 * @param imagesPerSecond best of three passes; NaN when not measured
 * @param version Pillow and libjpeg-turbo versions, or why there is no figure
 */
record PillowFigure(double imagesPerSecond, String version) {

  boolean measured() {
    return !Double.isNaN(imagesPerSecond);
  }

  /** Runs the script on {@code files}; a missing Python or Pillow gives an unmeasured figure that says so. */
  static PillowFigure measure(String python, List<Path> files, ImageSpec spec, Path scratch) {
    try {
      Path script = scratch.resolve("pillow_decode.py");
      try (InputStream in = PillowFigure.class.getResourceAsStream("pillow_decode.py")) {
        Files.write(script, in.readAllBytes());
      }
      Path list = Files.createTempFile(scratch, "pillow-files", ".txt");
      Files.write(list, files.stream().map(Path::toString).toList(), StandardCharsets.UTF_8);
      Process process = new ProcessBuilder(python, script.toString(), list.toString(), String.valueOf(spec.width()),
          String.valueOf(spec.height()), spec.fit().name()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      if (process.waitFor() != 0) {
        String last = output.lines().reduce((a, b) -> b).orElse("no output");
        return new PillowFigure(Double.NaN, "not measured: " + python + " failed (" + last
            + "); give a Python with Pillow: --python .venv/bin/python");
      }
      JsonNode result = Json.mapper().readTree(output.lines().reduce((a, b) -> b).orElseThrow());
      return new PillowFigure(result.get("imagesPerSecond").asDouble(),
          "Pillow " + result.get("pillow").asText() + ", libjpeg-turbo " + result.get("libjpegTurbo").asText());
    } catch (IOException e) {
      if (e.getMessage() != null && e.getMessage().contains("Cannot run program")) {
        return new PillowFigure(Double.NaN, "not measured: no " + python + "; give one with --python");
      }
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new PillowFigure(Double.NaN, "not measured: interrupted");
    }
  }
}
