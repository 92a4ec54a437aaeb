package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/schedule: the Airflow DAG loaded by Airflow's own DagBag (Airflow 3, pinned in
 * jobs/lib/requirements-ops.txt), its retry and branch rules, its operator run for real through
 * spark-submit on real job output, and the crontab line run as cron would (flock, log, retries).
 */
class ScheduleIT {
  static final Path DAG = Processes.ROOT.resolve("jobs/schedule/catalog_ml_dag.py");
  static final Path CHECK = Processes.ROOT.resolve("src/test/resources/schedule/check_dag.py");
  static final Path CRONTAB = Processes.ROOT.resolve("jobs/schedule/crontab");

  @TempDir
  static Path tmp;

  static JsonNode tasks;
  static JsonNode decisions;

  @BeforeAll
  static void loadTheDag() throws Exception {
    JsonNode dagAndRules = airflow("dag", DAG.toString());
    decisions = dagAndRules.path("decisions");
    JsonNode bag = dagAndRules.path("dagbag");
    assertThat(bag.path("importErrors").size()).as(bag.path("importErrors").toString()).isZero();
    assertThat(DockerFilesIT.names(bag.path("dags"))).containsExactly("catalog_ml_nightly");
    tasks = bag.at("/dags/catalog_ml_nightly/tasks");
    JsonNode dag = bag.at("/dags/catalog_ml_nightly");
    assertThat(dag.path("maxActiveRuns").asInt()).as("two nights never overlap").isEqualTo(1);
    assertThat(dag.path("schedule").asText()).isEqualTo("15 2 * * *");
  }

  @Test
  void oneSparkSubmitPerStageInTheNightlyOrder() {
    Map<String, List<String>> upstream = new LinkedHashMap<>();
    DockerFilesIT.entries(tasks).forEach(t -> {
      List<String> up = new ArrayList<>();
      t.getValue().path("upstream").forEach(u -> up.add(u.asText()));
      upstream.put(t.getKey(), up);
    });
    assertThat(upstream).containsExactlyInAnyOrderEntriesOf(Map.ofEntries(
        Map.entry("ingest", List.of()),
        Map.entry("preprocess", List.of("ingest")),
        Map.entry("plan", List.of("preprocess")),
        Map.entry("train_first", List.of("plan")),
        Map.entry("train", List.of("train_first")),
        Map.entry("score", List.of("train", "train_first")),
        Map.entry("monitor", List.of("score")),
        Map.entry("retrain_check", List.of("monitor")),
        Map.entry("retrain", List.of("retrain_check")),
        Map.entry("rescore_check", List.of("retrain")),
        Map.entry("rescore", List.of("rescore_check")),
        Map.entry("remonitor", List.of("rescore")),
        Map.entry("maintain_check", List.of("remonitor", "rescore_check", "retrain_check")),
        Map.entry("maintain", List.of("maintain_check")),
        Map.entry("verdict", List.of("maintain", "maintain_check"))));
    Map<String, String> stages = Map.ofEntries(Map.entry("ingest", "ingest"), Map.entry("preprocess", "preprocess"),
        Map.entry("plan", "nightly"), Map.entry("train", "train"), Map.entry("score", "score"),
        Map.entry("monitor", "monitor"), Map.entry("retrain", "train"), Map.entry("rescore", "score"),
        Map.entry("remonitor", "monitor"), Map.entry("maintain", "maintain"));
    stages.forEach((task, stage) -> {
      JsonNode t = tasks.path(task);
      assertThat(t.path("operator").asText()).isEqualTo("CatalogMlStageOperator");
      assertThat(t.path("sparkSubmit").asBoolean()).as(task + " is a SparkSubmitOperator").isTrue();
      assertThat(t.path("stage").asText()).isEqualTo(stage);
      assertThat(t.path("javaClass").asText()).isEqualTo("io.catalogml.cli.Main");
      assertThat(t.path("xcomPush").asBoolean()).as(task + " pushes its result").isTrue();
      assertThat(t.path("retries").asInt()).isPositive();
    });
    assertThat(tasks.at("/plan/jobArgs").toString()).isEqualTo("[\"--dry-run\"]");
    assertThat(tasks.at("/monitor/okExitCodes").toString()).isEqualTo("[0,10]");
    assertThat(tasks.at("/score/okExitCodes").toString()).isEqualTo("[0]");
    assertThat(tasks.at("/score/triggerRule").asText()).isEqualTo("none_failed_min_one_success");
    assertThat(tasks.at("/verdict/retries").asInt()).isZero();
    assertThat(tasks.at("/maintain_check/triggerRule").asText()).isEqualTo("none_failed_min_one_success");
  }

  @Test
  void retriesOnlyTheExitCodesThatMeanTryAgain() {
    JsonNode d = decisions;
    Map<Integer, String> expected = Map.of(0, "ok", 1, "fail", 2, "fail", 3, "retry", 4, "fail", 10, "fail",
        50, "fail", 52, "fail", 75, "retry");
    expected.forEach((code, what) -> {
      assertThat(d.at("/outcome/" + code).asText()).as("exit " + code).isEqualTo(what);
      assertThat(d.at("/monitorOutcome/" + code).asText()).as("monitor exit " + code)
          .isEqualTo(code == 10 ? "ok" : what);
    });
    assertThat(d.at("/retrainBranch/fired").asText()).isEqualTo("retrain");
    assertThat(d.at("/retrainBranch/firedButTrainedFirst").asText()).isEqualTo("maintain_check");
    assertThat(d.at("/retrainBranch/firedButOff").asText()).isEqualTo("maintain_check");
    assertThat(d.at("/retrainBranch/notFired").asText()).isEqualTo("maintain_check");
    assertThat(d.at("/rescoreBranch/promoted").asText()).isEqualTo("rescore");
    assertThat(d.at("/rescoreBranch/notPromoted").asText()).isEqualTo("maintain_check");
    assertThat(d.at("/maintainBranch/due").asText()).as("the plan ends with maintain").isEqualTo("maintain");
    assertThat(d.at("/maintainBranch/notDue").asText()).isEqualTo("verdict");
    assertThat(d.at("/verdict/ok/value/status").asText()).isEqualTo("ok");
    assertThat(d.at("/verdict/ok/value/stagesRun").toString()).isEqualTo("[\"score\",\"monitor\"]");
    assertThat(d.at("/verdict/drift/failFast").asBoolean()).as("drift fails the night, no retry").isTrue();
    assertThat(d.at("/verdict/drift/message").asText()).contains("class_mix_psi");
    assertThat(d.at("/verdict/driftThenRemonitorOk/value/status").asText()).isEqualTo("ok");
    assertThat(d.at("/verdict/driftThenRemonitorOk/value/retrained").asBoolean()).isTrue();
  }

  /** Real job output through the real operator: the result line is found among Spark's log lines. */
  @Test
  void theOperatorReturnsTheJobsResultAndFailsOrRetriesByItsExitCode() throws Exception {
    Processes.requireSparkHome();
    Path lake = tmp.resolve("plan");
    List<List<String>> runs = List.of(
        List.of("ingest", "--input", "data/sample/fashion", "--set", "tracking.uri=http://127.0.0.1:" + closedPort()),
        List.of("ingest", "--input", "data/sample/fashion", "--set", "ingest.no-such-key=1"),
        List.of("nightly", "--dry-run", "--set", "lake.root=" + lake.resolve("lake"),
            "--set", "tracking.local-dir=" + lake.resolve("mlruns")));
    JsonNode outcomes = airflow("run", DAG.toString(), Json.mapper().writeValueAsString(runs));

    JsonNode unreachable = outcomes.get(0);
    assertThat(unreachable.path("exitCode").asInt()).isEqualTo(3);
    assertThat(unreachable.path("exception").asText()).isEqualTo("StageRetryable");
    assertThat(unreachable.path("failFast").asBoolean()).isFalse();
    assertThat(unreachable.path("message").asText()).startsWith("ingest exited 3: tracking.unreachable: ");

    JsonNode badKey = outcomes.get(1);
    assertThat(badKey.path("exitCode").asInt()).isEqualTo(2);
    assertThat(badKey.path("exception").asText()).isEqualTo("AirflowFailException");
    assertThat(badKey.path("message").asText()).startsWith("ingest exited 2: config.unknown-key: ");

    JsonNode plan = outcomes.get(2);
    assertThat(plan.path("exitCode").asInt()).as(plan.toString()).isZero();
    assertThat(plan.at("/value/job").asText()).isEqualTo("nightly");
    assertThat(plan.at("/value/dryRun").asBoolean()).isTrue();
    assertThat(plan.path("trainBranch").asText()).as("no champion yet: the DAG trains first").isEqualTo("train");
  }

  @Test
  void theCrontabRunsTheChainUnderALockAndRetriesOnlyTryAgain() throws Exception {
    Processes.requireSparkHome();
    Map<String, String> cron = new LinkedHashMap<>();
    String line = null;
    for (String l : Files.readAllLines(CRONTAB)) {
      if (l.isBlank() || l.startsWith("#")) {
        continue;
      }
      if (l.matches("[A-Z_]+=.*")) {
        cron.put(l.substring(0, l.indexOf('=')), l.substring(l.indexOf('=') + 1));
      } else {
        assertThat(line).as("one job line").isNull();
        line = l;
      }
    }
    String[] fields = line.split("\\s+", 6);
    assertThat(fields[0]).matches("[0-5]?\\d");
    assertThat(fields[1]).matches("1?\\d|2[0-3]");
    assertThat(List.of(fields[2], fields[3], fields[4])).containsOnly("*");
    String command = fields[5];
    assertThat(command).startsWith("flock -n -E 75 ").contains("jobs/schedule/cron-run.sh", " -- nightly ").doesNotContain("%");
    assertThat(cron).containsKeys("SHELL", "CATALOG_ML_HOME", "CATALOG_ML_LOG_DIR", "CATALOG_ML_LOCK",
        "SPARK_HOME", "CATALOG_ML_SUBMIT", "CATALOG_ML_NIGHTLY");

    Path logs = tmp.resolve("cron-logs");
    Path lock = tmp.resolve("nightly.lock");
    Map<String, String> env = new HashMap<>(cron);
    env.putAll(Map.of("CATALOG_ML_HOME", Processes.ROOT.toString(), "CATALOG_ML_LOG_DIR", logs.toString(),
        "CATALOG_ML_LOCK", lock.toString(), "SPARK_HOME", System.getenv("SPARK_HOME"),
        "CATALOG_ML_JAR", System.getProperty("catalogml.fatJar"),
        "CATALOG_ML_SUBMIT", "--master local[1]",
        "CATALOG_ML_NIGHTLY", "--conf conf/examples/fashion.conf --set tracking.uri=http://127.0.0.1:" + closedPort(),
        "CATALOG_ML_ATTEMPTS", "2", "CATALOG_ML_RETRY_WAIT", "1"));

    // the previous night still holds the lock: this one gives way at once with "try again later"
    Process holder = new ProcessBuilder("flock", lock.toString(), "sleep", "60").start();
    try {
      waitForLock(lock);
      Processes.Run skipped = Processes.run(env, cron.get("SHELL"), "-c", command);
      assertThat(skipped.exitCode()).isEqualTo(75);
      assertThat(logs).doesNotExist();
    } finally {
      List<ProcessHandle> lockHolders = new ArrayList<>(holder.descendants().toList()); // flock's child holds it
      lockHolders.add(holder.toHandle());
      lockHolders.forEach(ProcessHandle::destroy);
      for (ProcessHandle h : lockHolders) {
        h.onExit().get(10, TimeUnit.SECONDS);
      }
    }

    Processes.Run night = Processes.run(env, cron.get("SHELL"), "-c", command);
    assertThat(night.exitCode()).as(night.toString()).isEqualTo(3);
    assertThat(night.stdout()).isEmpty();
    assertThat(night.stderr().strip()).startsWith("catalog-ml nightly: exit 3 (tracking.unreachable) after 2 attempt(s)")
        .doesNotContain("\n");
    List<String> results = Files.readAllLines(logs.resolve("results.jsonl"));
    assertThat(results).hasSize(2).allSatisfy(r -> {
      JsonNode j = Json.mapper().readTree(r);
      assertThat(j.path("job").asText()).isEqualTo("nightly");
      assertThat(j.path("error").asText()).isEqualTo("tracking.unreachable");
    });
    try (var files = Files.list(logs)) {
      Path log = files.filter(p -> p.getFileName().toString().matches("catalog-ml-\\d{4}-\\d\\d-\\d\\d\\.log"))
          .findFirst().orElseThrow();
      assertThat(Files.readString(log)).contains("attempt 1 of 2", "attempt 1 exited 3", "attempt 2 exited 3",
          "Cannot start the run");
    }
  }

  /** check_dag.py under the ops venv's Python (Airflow 3), its last stdout line as JSON. */
  static JsonNode airflow(String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(OpsTools.require(OpsTools.PYTHON).toString(), CHECK.toString()));
    command.addAll(List.of(args));
    Map<String, String> env = new HashMap<>(Map.of(
        "AIRFLOW_HOME", tmp.resolve("airflow").toString(),
        "CATALOG_ML_HOME", Processes.ROOT.toString(),
        "CATALOG_ML_JAR", System.getProperty("catalogml.fatJar"),
        "CATALOG_ML_CONF", Processes.ROOT.resolve("conf/examples/fashion.conf").toString(),
        "AIRFLOW_CONN_SPARK_DEFAULT", "{\"conn_type\": \"spark\", \"host\": \"local[2]\"}"));
    String sparkHome = System.getenv("SPARK_HOME");
    if (sparkHome != null) {
      env.put("PATH", Path.of(sparkHome, "bin") + ":" + System.getenv("PATH"));
    }
    Processes.Run run = Processes.run(env, command.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return run.lastJson();
  }

  static int closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  static void waitForLock(Path lock) throws Exception {
    for (int i = 0; i < 100; i++) {
      Process probe = new ProcessBuilder("flock", "-n", lock.toString(), "true").start();
      if (probe.waitFor() == 1) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the lock holder did not take " + lock);
  }
}
