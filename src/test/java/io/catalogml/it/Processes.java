package io.catalogml.it;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs the project's launchers as real processes, from the project root. */
final class Processes {
  static final Path ROOT = Path.of(System.getProperty("catalogml.root", ".")).toAbsolutePath();

  private Processes() {}

  /** Exit code, stdout and stderr of a finished process. */
  record Run(int exitCode, String stdout, String stderr) {
    /** The last stdout line, parsed as JSON (every job ends with one). */
    JsonNode lastJson() {
      String[] lines = stdout.strip().split("\n");
      try {
        return Json.mapper().readTree(lines[lines.length - 1]);
      } catch (IOException e) {
        throw new AssertionError("last stdout line is not JSON:\n" + stdout + "\nstderr:\n" + stderr, e);
      }
    }

    @Override
    public String toString() {
      return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr (tail)\n"
          + stderr.substring(Math.max(0, stderr.length() - 4000));
    }
  }

  /** Starts a process from the project root, its output going to {@code out} and {@code err}. */
  static Process start(Map<String, String> env, Path out, Path err, String... command) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(new ArrayList<>(List.of(command)))
        .directory(ROOT.toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().putAll(env);
    return pb.start();
  }

  /**
   * Skips the calling test when SPARK_HOME is not a Spark distribution, and fails it under CI=true
   * (jobs/test.sh installs pyspark==3.5.7 and sets SPARK_HOME).
   */
  static void requireSparkHome() {
    String home = System.getenv("SPARK_HOME");
    boolean present = home != null && Files.isExecutable(Path.of(home, "bin", "spark-submit"));
    if (!present && "true".equals(System.getenv("CI"))) {
      org.junit.jupiter.api.Assertions.fail(
          "SPARK_HOME is not a Spark distribution; jobs/test.sh installs pyspark==3.5.7 and sets it");
    }
    org.junit.jupiter.api.Assumptions.assumeTrue(present, "SPARK_HOME not set: run the tests through jobs/test.sh");
  }

  /**
   * A Delta table as delta-rs reads it ({@code src/test/resources/score/read_table.py}): version,
   * rows, distinct keys, columns, digest.
   */
  static JsonNode readTable(Path location, String key) throws IOException, InterruptedException {
    Run read = run(Map.of(), ROOT.resolve(".venv/bin/python").toString(), "src/test/resources/score/read_table.py",
        location.toString(), key);
    if (read.exitCode() != 0) {
      throw new AssertionError("delta-rs could not read " + location + ":\n" + read);
    }
    return read.lastJson().get("deltalake");
  }

  /** The last stdout line of a started process once it ended, parsed as JSON. */
  static JsonNode lastJson(Path out) throws IOException {
    String text = Files.readString(out, StandardCharsets.UTF_8).strip();
    return Json.mapper().readTree(text.substring(text.lastIndexOf('\n') + 1));
  }

  static Run run(Map<String, String> env, String... command) throws IOException, InterruptedException {
    Path out = Files.createTempFile("catalog-ml-it", ".out");
    Path err = Files.createTempFile("catalog-ml-it", ".err");
    try {
      Process p = start(env, out, err, command);
      if (!p.waitFor(10, TimeUnit.MINUTES)) {
        p.destroyForcibly();
        throw new AssertionError("timed out: " + String.join(" ", command));
      }
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
