package io.catalogml.cli;

import io.catalogml.tracking.JobTracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.config.ConfigLoader;
import io.catalogml.core.Json;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.tracking.MlflowServer;
import io.catalogml.tracking.MlflowServerExtension;
import io.catalogml.tracking.PythonReadBack;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every job run through {@link JobRunner} is recorded: FINISHED with its result, FAILED with the reason. */
class JobTrackingTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void needsPythonMlflow() {
    MlflowServerExtension.requireMlflow();
  }

  /** A stage result for tests that need no Spark work. */
  record FakeResult(String job, long rows, Map<String, Long> perReason, String note) implements StageResult {}

  private CatalogConfig config(String... overrides) {
    List<String> all = new ArrayList<>(List.of("spark.master=local[2]", "lake.root=" + tmp.resolve("lake"),
        "tracking.local-dir=" + tmp.resolve("mlruns"), "spark.conf.\"spark.ui.enabled\"=false"));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(List.of(), all);
  }

  private record Outcome(int exit, JsonNode json) {}

  /** A drop of two products and a row without id, kept without images. */
  private CatalogConfig threeRowDrop() throws Exception {
    Path drop = tmp.resolve("drop");
    Files.createDirectories(drop);
    Files.writeString(drop.resolve("products.csv"), "id,title,image\np1,Red shirt,\np2,Blue jeans,\n,No id,\n");
    return config("source.input=" + drop, "ingest.missing-image=keep");
  }

  private static Outcome run(String job, CatalogConfig conf,
      BiFunction<SparkSession, CatalogConfig, ? extends StageResult> body) throws Exception {
    PrintStream original = System.out;
    ByteArrayOutputStream captured = new ByteArrayOutputStream();
    System.setOut(new PrintStream(captured, true, StandardCharsets.UTF_8));
    int exit;
    try {
      exit = JobRunner.run(job, () -> conf, body);
    } finally {
      System.setOut(original);
    }
    String[] lines = captured.toString(StandardCharsets.UTF_8).strip().split("\n");
    return new Outcome(exit, Json.mapper().readTree(lines[lines.length - 1]));
  }

  @Test
  void ingestRecordsParamsMetricsTagsAndResultInTheLocalStore() throws Exception {
    CatalogConfig conf = threeRowDrop();

    Outcome out = run("ingest", conf, (spark, c) -> new IngestStage(spark, c).execute());

    assertThat(out.exit()).isZero();
    JsonNode tracking = out.json().path("tracking");
    assertThat(tracking.path("uri").asText()).isEqualTo("file://" + tmp.resolve("mlruns").toAbsolutePath());
    JsonNode back = PythonReadBack.read(tracking.path("uri").asText(), tracking.path("runId").asText(), null);
    assertThat(back.path("status").asText()).isEqualTo("FINISHED");
    assertThat(back.path("experiment").asText()).isEqualTo("catalog-ml/ingest");
    assertThat(back.path("params").path("lake.root").asText()).contains(tmp.resolve("lake").toString());
    assertThat(back.path("params").path("ingest.missing-image").asText()).isEqualTo("keep");
    assertThat(back.path("metrics").path("rowsIn").get(0).get(1).asDouble()).isEqualTo(3.0);
    assertThat(back.path("metrics").path("quarantineReasons.missing_id").get(0).get(1).asDouble()).isEqualTo(1.0);
    assertThat(back.path("metrics").path("upserted").get(0).get(0).asLong()).isZero();
    assertThat(back.path("tags").path("catalogml.spark.master").asText()).isEqualTo("local[2]");
    assertThat(back.path("artifacts").get(0).asText()).isEqualTo("result.json");
    ObjectNode printed = (ObjectNode) out.json().deepCopy();
    printed.remove("tracking");
    assertThat(Json.mapper().readTree(back.path("texts").path("result.json").asText())).isEqualTo(printed);
  }

  @Test
  void aJobRecordedInARunningSessionIsRecordedAsTheCliRecordsIt() throws Exception {
    CatalogConfig conf = threeRowDrop();
    SparkSession spark = io.catalogml.spark.SparkSessions.create(conf.spark(), "notebook");

    JobTracking.Recorded<io.catalogml.ingest.IngestResult> inNote = JobTracking.record("ingest", conf,
        spark.sparkContext().master(), (run, registry) -> new IngestStage(spark, conf).execute());
    Outcome byCli = run("ingest", conf, (session, c) -> new IngestStage(session, c).execute()); // stops the session

    assertThat(inNote.result().rowsIn()).isEqualTo(3);
    assertThat(inNote.json().path("tracking").path("runId").asText()).isEqualTo(inNote.runId());
    assertThat(inNote.line()).doesNotContain("\n").contains("\"runId\":\"" + inNote.runId() + "\"");
    String uri = inNote.json().path("tracking").path("uri").asText();
    JsonNode note = PythonReadBack.read(uri, inNote.runId(), null);
    JsonNode cli = PythonReadBack.read(uri, byCli.json().path("tracking").path("runId").asText(), null);
    assertThat(note.path("status").asText()).isEqualTo("FINISHED");
    assertThat(note.path("experiment")).isEqualTo(cli.path("experiment"));
    assertThat(note.path("params")).isEqualTo(cli.path("params"));
    assertThat(fieldNames(note.path("tags"))).isEqualTo(fieldNames(cli.path("tags")));
    assertThat(note.path("tags").path("catalogml.spark.master").asText()).isEqualTo("local[2]");
    assertThat(fieldNames(note.path("metrics"))).isEqualTo(fieldNames(cli.path("metrics")));
    assertThat(note.path("artifacts")).isEqualTo(cli.path("artifacts"));
    assertThat(note.path("metrics").path("rowsIn").get(0).get(1).asDouble()).isEqualTo(3.0);
  }

  @Test
  void aJobThatThrowsInARunningSessionIsRethrownAndLeavesAFailedRun() throws Exception {
    CatalogConfig conf = config();
    IllegalStateException boom = new IllegalStateException("the stage failed: no such table");

    assertThatThrownBy(() -> JobTracking.record("score", conf, "local[2]", (run, registry) -> {
      throw boom;
    })).isSameAs(boom);

    Path mlruns = tmp.resolve("mlruns");
    JsonNode back = PythonReadBack.read("file://" + mlruns.toAbsolutePath(), onlyRun(mlruns, "catalog-ml/score"), null);
    assertThat(back.path("status").asText()).isEqualTo("FAILED");
    assertThat(back.path("tags").path("catalogml.failure.reason").asText()).isEqualTo(boom.getMessage());
  }

  private static List<String> fieldNames(JsonNode node) {
    List<String> names = new ArrayList<>();
    node.fieldNames().forEachRemaining(names::add);
    java.util.Collections.sort(names);
    return names;
  }

  @Test
  void aTrackedJobLogsEpochsAndRegistersItsModelInTheSameRun() throws Exception {
    Path model = tmp.resolve("out/model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("weights.bin"), "w");

    int exit = JobRunner.runTracked("train", this::config, (spark, conf, run, registry) -> {
      for (int epoch = 0; epoch < 3; epoch++) {
        run.logMetrics(Map.of("loss", 1.0 / (epoch + 1)), epoch);
      }
      run.logArtifact(model, "");
      registry.ensureRegisteredModel("product-type", "test");
      var version = registry.createVersion("product-type", run.runId(), "model");
      registry.setAlias("product-type", "candidate", version.version());
      return new FakeResult("train", 3, Map.of(), "");
    });

    assertThat(exit).isZero();
    try (var store = io.catalogml.tracking.LocalMlflowStore.open(tmp.resolve("mlruns"))) {
      var candidate = store.registry().alias("product-type", "candidate").orElseThrow();
      Path back = store.registry().download("models:/product-type@candidate", tmp.resolve("back"));
      assertThat(back.resolve("weights.bin")).hasContent("w");
      JsonNode read = PythonReadBack.read(store.uri(), candidate.runId(), "product-type");
      assertThat(read.path("status").asText()).isEqualTo("FINISHED");
      assertThat(read.path("experiment").asText()).isEqualTo("catalog-ml/train");
      assertThat(read.path("metrics").path("loss")).hasSize(3);
      assertThat(read.path("metrics").path("rows").get(0).get(1).asDouble()).isEqualTo(3.0);
      assertThat(read.path("artifacts").toString()).contains("model/weights.bin", "result.json");
      assertThat(read.path("model").path("aliases").path("candidate").asText()).isEqualTo("1");
    }
  }

  @Test
  void aStageThatThrowsLeavesAFailedRunWithTheReason() throws Exception {
    Outcome out = run("preprocess", config(), (spark, c) -> new PreprocessStage(spark, c, false).execute());

    assertThat(out.exit()).isEqualTo(2);
    assertThat(out.json().path("error").asText()).isEqualTo("table.missing");
    Path mlruns = tmp.resolve("mlruns");
    String runId = onlyRun(mlruns, "catalog-ml/preprocess");
    JsonNode back = PythonReadBack.read("file://" + mlruns.toAbsolutePath(), runId, null);
    assertThat(back.path("status").asText()).isEqualTo("FAILED");
    assertThat(back.path("tags").path("catalogml.failure.reason").asText())
        .startsWith("Cannot read table bronze.products");
  }

  @Test
  void anUnreachableServerStopsTheJobBeforeAnyWork() throws Exception {
    AtomicBoolean worked = new AtomicBoolean();
    CatalogConfig conf = config("tracking.uri=\"http://127.0.0.1:" + io.catalogml.core.Ports.free() + "\"");

    Outcome out = run("ingest", conf, (spark, c) -> {
      worked.set(true);
      return new FakeResult("ingest", 0, Map.of(), "");
    });

    assertThat(out.exit()).as("a tracker that cannot be reached has its own exit code").isEqualTo(CatalogErrors.TRACKER);
    assertThat(out.json().path("error").asText()).isEqualTo("tracking.unreachable");
    assertThat(out.json().path("message").asText()).contains("cannot be reached", "Nothing was done");
    assertThat(worked).isFalse();
    assertThat(tmp.resolve("lake")).doesNotExist();
    assertThat(tmp.resolve("mlruns")).doesNotExist();
  }

  @Test
  void credentialsAreNeverRecorded() throws Exception {
    Path dir = tmp.resolve("server");
    try (MlflowServer server = MlflowServer.start(dir)) {
      String withPassword = server.uri().replace("http://", "http://alice:pw-SECRET-1@");
      CatalogConfig conf = config("tracking.uri=\"" + withPassword + "\"");
      JsonNode printed;
      String runId;
      try (JobTracking tracking = JobTracking.start("ingest", conf, Map.of("MLFLOW_TRACKING_TOKEN", "tok-SECRET-2"))) {
        runId = tracking.runId();
        printed = tracking.finished(new FakeResult("ingest", 5, Map.of("missing_id", 1L), "done"));
      }
      assertThat(printed.path("tracking").path("uri").asText()).isEqualTo(server.uri());
      JsonNode back = PythonReadBack.read(server.uri(), runId, null);
      assertThat(back.path("status").asText()).isEqualTo("FINISHED");
      assertThat(back.path("params").path("tracking.uri").asText()).isEqualTo(server.uri());
      assertThat(back.path("params").size()).isGreaterThan(40);
      assertThat(back.path("metrics").path("perReason.missing_id").get(0).get(1).asDouble()).isEqualTo(1.0);
      assertThat(back.toString()).doesNotContain("SECRET", "alice");
      assertThat(server.log()).doesNotContain("SECRET");
    }
  }

  private static String onlyRun(Path mlruns, String experiment) throws Exception {
    try (var experiments = Files.list(mlruns)) {
      for (Path e : experiments.filter(p -> Files.exists(p.resolve("meta.yaml"))).toList()) {
        if (Files.readString(e.resolve("meta.yaml")).contains("name: '" + experiment + "'")) {
          try (var runs = Files.list(e)) {
            List<Path> dirs = runs.filter(r -> Files.exists(r.resolve("meta.yaml"))).toList();
            assertThat(dirs).hasSize(1);
            return dirs.get(0).getFileName().toString();
          }
        }
      }
    }
    throw new AssertionError("no experiment " + experiment + " in " + mlruns);
  }
}
