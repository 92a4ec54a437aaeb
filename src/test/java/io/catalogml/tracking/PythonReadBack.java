package io.catalogml.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Reads a run (and a registered model) back with MLflow's Python client, of 2.17.2 or another
 * {@link MlflowVenv}: src/test/resources/mlflow/read_back.py.
 */
public final class PythonReadBack {
  private PythonReadBack() {}

  /** What MLflow 2.17.2's Python client sees of {@code runId} in {@code trackingUri}; {@code model} may be null. */
  public static JsonNode read(String trackingUri, String runId, String model) throws IOException, InterruptedException {
    return read(MlflowVenv.MLFLOW_2, trackingUri, runId, model);
  }

  /** What the Python client of {@code venv}'s MLflow sees of {@code runId} in {@code trackingUri}. */
  public static JsonNode read(MlflowVenv venv, String trackingUri, String runId, String model)
      throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(venv.python().toString(),
        MlflowServer.ROOT.resolve("src/test/resources/mlflow/read_back.py").toString(), trackingUri, runId));
    if (model != null) {
      command.add(model);
    }
    Path out = Files.createTempFile("read-back", ".json");
    Path err = Files.createTempFile("read-back", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
      pb.environment().keySet().removeIf(k -> k.startsWith("MLFLOW_"));
      Process p = pb.start();
      if (!p.waitFor(3, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("read_back.py timed out");
      }
      if (p.exitValue() != 0) {
        throw new AssertionError("read_back.py failed:\n" + Files.readString(err, StandardCharsets.UTF_8));
      }
      String stdout = Files.readString(out, StandardCharsets.UTF_8).strip();
      String last = stdout.substring(stdout.lastIndexOf('\n') + 1);
      return Json.mapper().readTree(last);
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
