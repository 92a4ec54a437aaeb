package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chain on a real Spark standalone cluster: a master and two workers of one core each on
 * 127.0.0.1 (pyspark's Spark 3.5.7), the fat jar spark-submitted by {@code jobs/submit.sh} in
 * client mode. The nightly chain (ingest, preprocess, train with parameter averaging over both
 * executors, score), then gradient sharing across the two executor JVMs over the parameter server,
 * then scoring with that model, and a job in cluster deploy mode (the driver on a worker), failing and
 * succeeding: the launcher's exit code and JSON line are the job's. Tables are read back with delta-rs, runs with MLflow's Python
 * client. The cluster is stopped after the class, whatever its tests did.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ClusterIT {
  private static final Pattern NODE = Pattern.compile("Initializing transport \\[127\\.0\\.0\\.1:(\\d+)\\]");

  @TempDir
  static Path dir;
  static StandaloneCluster cluster;

  @BeforeAll
  static void startCluster() throws Exception {
    Processes.requireSparkHome();
    cluster = StandaloneCluster.start("cluster-it", 2, 1, "3g");
  }

  @AfterAll
  static void stopCluster() {
    if (cluster != null) {
      cluster.close();
    }
  }

  static Processes.Run submit(String job, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("jobs/submit.sh", "--master", cluster.url(), "--executor-memory", "2g",
        "--", job, "--conf", "conf/examples/fashion.conf",
        "--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns"),
        "--set", "train.checkpoint-dir=" + dir.resolve("checkpoints"),
        // Both executors train: one partition per executor core.
        "--set", "train.workers=2", "--set", "model.mode=text", "--set", "train.epochs=2"));
    cmd.addAll(List.of(args));
    return Processes.run(Map.of("CATALOG_ML_JAR", System.getProperty("catalogml.fatJar")), cmd.toArray(String[]::new));
  }

  static JsonNode readRun(String runId) throws Exception {
    Processes.Run read = Processes.run(Map.of(), Processes.ROOT.resolve(".venv/bin/python").toString(),
        "src/test/resources/mlflow/read_back.py", dir.resolve("mlruns").toUri().toString(), runId);
    assertThat(read.exitCode()).as(read.toString()).isZero();
    return Json.mapper().readTree(read.stdout().strip());
  }

  @Test
  @Order(1)
  void theNightlyChainRunsOnTheClusterWithParameterAveraging() throws Exception {
    Processes.Run run = submit("nightly", "--input", "data/sample/fashion");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = run.lastJson();
    // The first night scores the catalogue the champion was trained on: nothing has moved.
    assertThat(result.get("status").asText()).as(result.get("stages").get("monitor").toString()).isEqualTo("ok");
    assertThat(result.get("stagesRun")).extracting(JsonNode::asText)
        .containsExactly("ingest", "preprocess", "train", "score", "monitor");
    JsonNode train = result.get("stages").get("train");
    assertThat(train.get("master").asText()).as("train.master = auto on a cluster").isEqualTo("averaging");
    assertThat(train.get("workers").asInt()).isEqualTo(2);
    // Two text epochs on 817 products of 79 classes: learning, far from chance (1/79), not quality.
    assertThat(train.get("testWeightedF1").asDouble()).isGreaterThan(0.05);
    JsonNode score = result.get("stages").get("score");
    assertThat(score.get("scored").asLong()).isEqualTo(1000);

    JsonNode predictions = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    assertThat(predictions.get("rows").asLong()).isEqualTo(1000);
    assertThat(predictions.get("distinct").asLong()).isEqualTo(1000);
    assertThat(Processes.readTable(dir.resolve("lake/silver/features"), "product_id").get("rows").asLong())
        .isEqualTo(1000);

    JsonNode trainRun = readRun(train.get("tracking").get("runId").asText());
    assertThat(trainRun.get("status").asText()).isEqualTo("FINISHED");
    assertThat(trainRun.get("tags").get("catalogml.spark.master").asText()).isEqualTo(cluster.url());
    // In the fat jar every class comes from catalog-ml's own jar: the versions are still the libraries'.
    assertThat(trainRun.get("tags").get("catalogml.version.delta").asText()).isEqualTo("3.3.2");
    assertThat(trainRun.get("tags").get("catalogml.version.dl4j").asText()).isEqualTo("1.0.0-M2");
    assertThat(trainRun.get("tags").get("catalogml.version.mlflow-client").asText()).isEqualTo("2.17.2");
    assertThat(trainRun.get("tags").get("catalogml.chain.run_id").asText())
        .isEqualTo(result.get("tracking").get("runId").asText());
    assertThat(trainRun.get("params").get("train.master").asText()).isEqualTo("auto");
  }

  @Test
  @Order(2)
  void gradientSharingTrainsAcrossBothExecutorJvmsEachOnItsOwnPort() throws Exception {
    cluster.clearApplications();
    String controllerPort = String.valueOf(io.catalogml.core.Ports.free());
    Processes.Run run = submit("train", "--set", "train.master=sharing", "--set", "train.sharing.port=" + controllerPort);
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = run.lastJson();
    assertThat(result.get("master").asText()).isEqualTo("sharing");
    assertThat(result.get("workers").asInt()).isEqualTo(2);
    assertThat(result.get("modelVersion").asText()).isEqualTo("2");
    assertThat(result.get("testWeightedF1").asDouble()).isGreaterThan(0.05);

    // Each executor JVM started its own parameter-server node, on a port of its own (train.sharing.worker-port = 0).
    Set<String> ports = new TreeSet<>();
    for (String log : cluster.executorLogs()) {
      assertThat(log).doesNotContain("Address already in use");
      Matcher m = NODE.matcher(log);
      while (m.find()) {
        ports.add(m.group(1));
      }
    }
    assertThat(ports).hasSize(2).doesNotContain(controllerPort, "49876");

    JsonNode trainRun = readRun(result.get("tracking").get("runId").asText());
    assertThat(trainRun.get("status").asText()).isEqualTo("FINISHED");
    assertThat(trainRun.get("params").get("train.master").asText()).isEqualTo("sharing");
  }

  @Test
  @Order(3)
  void theSharedModelScoresTheCatalogueOnTheCluster() throws Exception {
    Processes.Run run = submit("score", "--model", "models:/product-type/2");
    assertThat(run.exitCode()).as(run.toString()).isZero();
    JsonNode result = run.lastJson();
    assertThat(result.get("modelVersion").asText()).isEqualTo("2");
    assertThat(result.get("scored").asLong()).isEqualTo(1000); // scored by another model version before
    JsonNode predictions = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    assertThat(predictions.get("rows").asLong()).isEqualTo(1000);
    assertThat(predictions.get("version").asLong()).isEqualTo(result.get("predictionsVersion").asLong());
  }

  @Test
  @Order(3)
  void theThreadsMasterIsRefusedOnAClusterBeforeTrainingWithWhatToSetInstead() throws Exception {
    Processes.Run run = submit("train", "--set", "train.master=threads");
    assertThat(run.exitCode()).as(run.toString()).isEqualTo(2);
    JsonNode failure = run.lastJson();
    assertThat(failure.get("error").asText()).isEqualTo("train.threads-need-local");
    assertThat(failure.get("message").asText()).contains(cluster.url(), "train.master = averaging", "local[*]");
  }

  /** A job spark-submitted in cluster deploy mode: the driver runs on a worker, from the worker's folder. */
  static Processes.Run submitToCluster(String job, String... args) throws Exception {
    Path root = Processes.ROOT.toAbsolutePath();
    List<String> cmd = new ArrayList<>(List.of("jobs/submit.sh", "--master", cluster.url(), "--deploy-mode", "cluster",
        "--driver-memory", "1g", "--executor-memory", "1g", "--",
        job, "--conf", root.resolve("conf/examples/fashion.conf").toString(),
        "--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns"),
        "--set", "train.checkpoint-dir=" + dir.resolve("checkpoints")));
    cmd.addAll(List.of(args));
    return Processes.run(Map.of("CATALOG_ML_JAR", Path.of(System.getProperty("catalogml.fatJar")).toAbsolutePath().toString(),
        "CATALOG_ML_MASTER_UI", cluster.masterUi()), cmd.toArray(String[]::new));
  }

  @Test
  @Order(4)
  void inClusterDeployModeTheSubmitEndsWithTheJobsResultAndExitCode() throws Exception {
    // spark-submit alone exits 0 here whatever the driver did (spark.standalone.submit.waitAppCompletion
    // or not); jobs/submit.sh waits for the driver and takes its result line from the worker.
    Processes.Run failed = submitToCluster("score", "--model", dir.resolve("no-such-model").toString());
    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(4);
    JsonNode failure = failed.lastJson();
    assertThat(failure.get("error").asText()).isEqualTo("model.not-a-package");
    assertThat(failure.get("exitCode").asInt()).isEqualTo(4);
    assertThat(failed.stderr()).contains("ended FAILED");

    Processes.Run done = submitToCluster("score", "--model", "models:/product-type/2");
    assertThat(done.exitCode()).as(done.toString()).isZero();
    JsonNode result = done.lastJson();
    assertThat(result.get("modelVersion").asText()).isEqualTo("2");
    assertThat(result.get("exitCode").asInt()).isZero();
    assertThat(result.get("scored").asLong()).as("every product already has this model's prediction").isZero();
    assertThat(result.get("unchanged").asLong()).isEqualTo(1000);
    assertThat(done.stderr()).contains("ended FINISHED");
  }
}
