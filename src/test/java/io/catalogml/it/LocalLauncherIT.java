package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/catalog-ml} as a user runs it: the README's ingest command (the first of its
 * stage-by-stage flow; the nightly chain has {@link NightlyIT}), help, a bad setting, and a job a
 * scheduler ends with SIGTERM.
 */
class LocalLauncherIT {
  @TempDir
  Path dir;

  /** The README's ingest command, read from the README so that the two cannot drift apart. */
  static List<String> readmeMainCommand() throws Exception {
    String readme = Files.readString(Processes.ROOT.resolve("README.md"));
    String line = readme.lines().filter(l -> l.startsWith("jobs/catalog-ml ingest")).findFirst()
        .orElseThrow(() -> new AssertionError("README has no 'jobs/catalog-ml ingest' command line"));
    return new ArrayList<>(List.of(line.trim().split("\\s+")));
  }

  @Test
  void readmeCommandIngestsTheBundledSampleAndEndsWithJson() throws Exception {
    Path lake = dir.resolve("lake");
    List<String> command = readmeMainCommand();
    assertThat(command).contains("data/sample/fashion");
    command.addAll(List.of("--set", "lake.root=" + lake, "--set", "tracking.local-dir=" + dir.resolve("mlruns")));
    Processes.Run run = Processes.run(Map.of(), command.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    assertThat(run.stdout().strip().lines()).as("stdout carries only the result").hasSize(1);
    JsonNode result = run.lastJson();
    assertThat(result.get("job").asText()).isEqualTo("ingest");
    assertThat(result.get("rowsIn").asLong()).isEqualTo(1000);
    assertThat(result.get("upserted").asLong()).isEqualTo(1000);
    assertThat(result.get("quarantined").asLong()).isZero();
    assertThat(lake.resolve("bronze/products/_delta_log")).isDirectory();
    assertThat(lake.resolve("bronze/quarantine/_delta_log")).isDirectory();
    JsonNode tracking = result.get("tracking");
    assertThat(tracking.get("uri").asText()).isEqualTo("file://" + dir.resolve("mlruns").toAbsolutePath());
    Path runDir = dir.resolve("mlruns").resolve(tracking.get("experimentId").asText())
        .resolve(tracking.get("runId").asText());
    assertThat(runDir.resolve("meta.yaml")).content().contains("status: 3");
    assertThat(runDir.resolve("metrics/rowsIn")).content().endsWith(" 1000.0 0\n");
    assertThat(runDir.resolve("artifacts/result.json")).exists();
  }

  @Test
  void helpListsTheJobsAndEachJobHasHelp() throws Exception {
    Processes.Run top = Processes.run(Map.of(), "jobs/catalog-ml", "--help");
    assertThat(top.exitCode()).as(top.toString()).isZero();
    assertThat(top.stdout()).contains("ingest", "preprocess", "train", "score", "evaluate", "config", "bench");
    Processes.Run score = Processes.run(Map.of(), "jobs/catalog-ml", "score", "--help");
    assertThat(score.exitCode()).isZero();
    assertThat(score.stdout()).contains("--model=URI|FOLDER", "--full", "gold.predictions");
    Processes.Run ingest = Processes.run(Map.of(), "jobs/catalog-ml", "ingest", "--help");
    assertThat(ingest.exitCode()).isZero();
    assertThat(ingest.stdout()).contains("--conf=FILE", "--set=KEY=VALUE", "--input=DIR");
  }

  @Test
  void aBadSettingFailsBeforeSparkStartsWithAClearMessage() throws Exception {
    Processes.Run run = Processes.run(Map.of(), "jobs/catalog-ml", "ingest",
        "--input", "data/sample/fashion", "--set", "source.generic.file-format=xlsx");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("source.generic.file-format = \"xlsx\"", "one of: csv, json, parquet");
    assertThat(run.stderr()).doesNotContain("SparkContext");
    JsonNode failure = run.lastJson();
    assertThat(failure.get("status").asText()).isEqualTo("failed");
    assertThat(failure.get("error").asText()).isEqualTo("config.bad-value");
  }

  @Test
  void aMissingInputFolderIsAUsageError() throws Exception {
    Processes.Run run = Processes.run(Map.of(), "jobs/catalog-ml", "ingest",
        "--conf", "conf/examples/fashion.conf", "--input", dir.resolve("nowhere").toString(),
        "--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns"));
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.stderr()).contains("does not exist or is not a folder");
    assertThat(Files.exists(dir.resolve("lake"))).isFalse();
  }

  @Test
  void aJobEndedBySigtermStillPrintsItsFailureLineAndMarksItsRunFailed() throws Exception {
    Path out = dir.resolve("term.out");
    Path err = dir.resolve("term.err");
    Process job = Processes.start(Map.of(), out, err, "jobs/catalog-ml", "ingest", "--conf",
        "conf/examples/fashion.conf", "--input", "data/sample/fashion", "--set", "lake.root=" + dir.resolve("lake"),
        "--set", "tracking.local-dir=" + dir.resolve("mlruns"));
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.MINUTES.toNanos(5);
    while (!(Files.exists(err) && Files.readString(err).contains("catalog-ml ingest on Spark"))) {
      assertThat(job.isAlive()).as("the job ended before Spark started").isTrue();
      assertThat(System.nanoTime()).as("Spark did not start in time").isLessThan(deadline);
      Thread.sleep(100);
    }
    job.destroy(); // SIGTERM, as a scheduler's timeout sends it
    assertThat(job.waitFor(2, java.util.concurrent.TimeUnit.MINUTES)).isTrue();
    assertThat(job.exitValue()).as(Files.readString(err)).isNotZero();
    JsonNode failure = Processes.lastJson(out);
    assertThat(failure.get("status").asText()).isEqualTo("failed");
    assertThat(failure.get("job").asText()).isEqualTo("ingest");
    assertThat(failure.get("error").asText()).isIn("internal.jvm-exit", "internal");
    try (var metas = Files.walk(dir.resolve("mlruns"))) {
      List<String> statuses = metas.filter(p -> p.getFileName().toString().equals("meta.yaml")
              && Files.exists(p.resolveSibling("params")))
          .map(p -> {
            try {
              return Files.readString(p);
            } catch (java.io.IOException e) {
              throw new java.io.UncheckedIOException(e);
            }
          })
          .flatMap(String::lines).filter(l -> l.startsWith("status:")).toList();
      assertThat(statuses).as("the run is marked FAILED (MLflow status 4)").containsExactly("status: 4");
    }
  }
}
