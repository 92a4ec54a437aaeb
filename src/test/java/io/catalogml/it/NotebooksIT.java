package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import io.catalogml.notebook.ZeppelinNote;
import io.catalogml.tracking.PythonReadBack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every paragraph of every shipped Zeppelin note, in the order a user runs them (ingest → train → score →
 * monitor → nightly), headless in one real spark-shell with the fat jar ({@link SparkShellNotes}, {@code z} a
 * stand-in), on the bundled fashion sample, into a fresh lake and local MLflow store through the notes' own
 * forms; then what the notes did, read back with delta-rs and MLflow's Python client. A real Zeppelin cannot
 * be assembled here (its server and interpreter artifacts are not on Maven Central, and PyPI has none).
 */
class NotebooksIT {
  static final Path SAMPLE = Processes.ROOT.resolve("data/sample/fashion");

  @TempDir
  static Path dir;
  static SparkShellNotes.Outcome outcome;
  static final Map<String, JsonNode> RESULTS = new LinkedHashMap<>();

  @BeforeAll
  static void runTheNotes() throws Exception {
    Processes.requireSparkHome();
    Path conf = dir.resolve("notes.conf");
    // The shipped example, with the store, checkpoints and a quick model of the test's own
    Files.writeString(conf, String.join("\n",
        "include file(" + SparkShellNotes.literal(Processes.ROOT.resolve("conf/examples/fashion.conf").toString()) + ")",
        "tracking.local-dir = " + SparkShellNotes.literal(dir.resolve("mlruns").toString()),
        "train.checkpoint-dir = " + SparkShellNotes.literal(dir.resolve("checkpoints").toString()),
        "train.yardstick = false", ""));
    Map<String, String> forms = Map.of(
        "conf", conf.toString(),
        "lake", dir.resolve("lake").toString(),
        "input", SAMPLE.toString(),
        "input (empty = no drop to ingest)", SAMPLE.toString(),
        "inputs", "text",
        "epochs", "1");
    // The shell's input and transcript stay in target/ for a look after a failure
    outcome = SparkShellNotes.run(ZeppelinNote.shipped(Processes.ROOT), forms, Processes.ROOT.resolve("target/notebooks-it"),
        "-Djavacpp.cachedir=" + Processes.ROOT.resolve("target/javacpp-cache"), 15);
    for (String line : outcome.jsonLines()) {
      JsonNode json = Json.mapper().readTree(line);
      RESULTS.put(json.get("job").asText(), json);
    }
  }

  @Test
  void everyParagraphOfEveryNoteRanWithoutError() {
    assertThat(outcome.expected()).as("code paragraphs of the five notes").hasSizeGreaterThan(15);
    assertThat(outcome.compileErrors()).as(outcome.toString()).isEmpty();
    assertThat(outcome.ran()).as(outcome.toString()).isEqualTo(outcome.expected());
    assertThat(outcome.exitCode()).as(outcome.toString()).isZero();
    assertThat(outcome.stdout()).contains("@@all " + outcome.expected().size() + " paragraphs ran");
    assertThat(RESULTS).as(outcome.toString()).containsOnlyKeys("ingest", "preprocess", "train", "score", "monitor",
        "nightly");
  }

  @Test
  void eachNoteGaveTheShellsSessionTheJobsSparkSettingsAndNamedTheOneItCouldNot() {
    // The shell starts with Spark's defaults (200 shuffle partitions, Delta's 50 snapshot partitions), as an
    // interpreter does; each note's first paragraph sets the configuration's runtime settings (SparkSessions.useConf).
    // The console progress bar is fixed when a session starts, so each of the five notes names it once.
    List<String> notApplied = outcome.stderr().lines().filter(l -> l.contains("is not applied")).toList();
    assertThat(notApplied).as(outcome.toString()).hasSize(5)
        .allMatch(l -> l.contains("spark.conf.\"spark.ui.showConsoleProgress\" = \"false\" is not applied"));
    // Spark's console progress bar (stderr) showed Delta's 50-task snapshot stages before the notes set this.
    assertThat(outcome.stderr()).doesNotContain(" / 50]", " / 200]");
  }

  @Test
  void theIngestNoteFilledBronzeAndShowedEightProductsWithTheirPictures() throws Exception {
    JsonNode ingest = result("ingest");
    assertThat(ingest.get("rowsIn").asLong()).isEqualTo(1000);
    JsonNode products = Processes.readTable(dir.resolve("lake/bronze/products"), "product_id");
    assertThat(products.get("rows").asLong()).isEqualTo(ingest.get("inserted").asLong()).isGreaterThan(900);
    assertThat(pictures("%html <table class=\"catalog-ml-gallery\"", "image/jpeg")).isEqualTo(8);
  }

  @Test
  void theTrainNoteRecordedAFinishedRunAsTheJobDoesAndShowedItsCurves() throws Exception {
    JsonNode train = result("train");
    assertThat(train.get("champion").asBoolean()).isTrue();
    assertThat(train.get("mode").asText()).isEqualTo("text");
    assertThat(train.get("epochs").asInt()).isEqualTo(1);
    JsonNode run = PythonReadBack.read(train.get("tracking").get("uri").asText(),
        train.get("tracking").get("runId").asText(), "product-type");
    assertThat(run.path("status").asText()).isEqualTo("FINISHED");
    assertThat(run.path("experiment").asText()).isEqualTo("catalog-ml/train");
    assertThat(run.path("tags").path("catalogml.spark.master").asText()).isEqualTo("local[2]");
    assertThat(run.path("params").path("lake.root").asText()).isEqualTo(dir.resolve("lake").toString());
    assertThat(run.path("artifacts").toString()).contains("evaluation/learning-curve.png",
        "evaluation/confusion-matrix.png", "model/", "result.json");
    assertThat(run.path("model").path("aliases").path("champion").asText()).isEqualTo(train.get("modelVersion").asText());
    assertThat(pictures("learning-curve.png</figcaption>", "image/png")).isEqualTo(2);
  }

  @Test
  void theScoreNoteWroteAPredictionPerProductAndShowedThemAllAsNew() throws Exception {
    JsonNode score = result("score");
    long scored = score.get("scored").asLong();
    assertThat(scored + score.get("quarantined").asLong()).isEqualTo(1000);
    assertThat(score.get("modelVersion").asText()).isEqualTo(result("train").get("modelVersion").asText());
    JsonNode predictions = Processes.readTable(dir.resolve("lake/gold/predictions"), "product_id");
    assertThat(predictions.get("rows").asLong()).isEqualTo(scored);
    assertThat(outcome.stdout()).contains("%table change\tcount\nnew\t" + scored + "\n");
  }

  @Test
  void theMonitorAndNightlyNotesMonitoredTonightAndRanTheChainAsTheJobDoes() throws Exception {
    JsonNode monitor = result("monitor");
    assertThat(monitor.get("modelVersion").asText()).isEqualTo(result("score").get("modelVersion").asText());
    assertThat(Processes.readTable(dir.resolve("lake/gold/monitoring"), "night").get("rows").asLong()).isEqualTo(1);
    assertThat(pictures("monitor-report.png</figcaption>", "image/png")).isEqualTo(1);

    JsonNode night = result("nightly");
    assertThat(night.get("stagesRun")).extracting(JsonNode::asText)
        .containsExactly("ingest", "preprocess", "score", "monitor");
    assertThat(night.get("skipped").get("train").asText()).isEqualTo("models:/product-type@champion exists");
    assertThat(night.get("stages").get("ingest").get("unchanged").asLong()).isEqualTo(result("ingest")
        .get("inserted").asLong());
    assertThat(night.get("stages").get("score").get("scored").asLong()).isZero();
    JsonNode chain = PythonReadBack.read(night.get("tracking").get("uri").asText(),
        night.get("tracking").get("runId").asText(), null);
    assertThat(chain.path("status").asText()).isEqualTo("FINISHED");
    assertThat(chain.path("experiment").asText()).isEqualTo("catalog-ml/nightly");
    String scoreRun = night.get("stages").get("score").get("tracking").get("runId").asText();
    assertThat(chain.path("tags").path("catalogml.stage.score.run_id").asText()).isEqualTo(scoreRun);
    JsonNode stage = PythonReadBack.read(night.get("tracking").get("uri").asText(), scoreRun, null);
    assertThat(stage.path("experiment").asText()).isEqualTo("catalog-ml/score");
    assertThat(stage.path("tags").path("catalogml.chain.run_id").asText())
        .isEqualTo(night.get("tracking").get("runId").asText());
    assertThat(List.of(monitor.get("status").asText(), night.get("status").asText())).containsOnly("ok");
  }

  @Test
  void aParagraphThatThrowsStopsTheShellAndTheOnesAfterItNeverRun() throws Exception {
    Path note = dir.resolve("broken/failing.zpln");
    Files.createDirectories(note.getParent());
    Files.writeString(note, """
        {"name": "failing", "id": "2ABCDEFGH", "defaultInterpreterGroup": "spark", "paragraphs": [
          {"id": "paragraph_1_0", "text": "%md\\nA note that fails"},
          {"id": "paragraph_1_1", "text": "%spark\\nval n = z.textbox(\\"n\\", \\"3\\").toString.toInt\\nprintln(\\"n is \\" + n)"},
          {"id": "paragraph_1_2", "text": "%spark\\nrequire(n == 4, \\"n is not 4\\")"},
          {"id": "paragraph_1_3", "text": "%sql\\nSELECT 1 AS never"}]}
        """);

    SparkShellNotes.Outcome failed = SparkShellNotes.run(List.of(ZeppelinNote.read(note)), Map.of("n", "3"),
        dir.resolve("broken/shell"), "", 5);

    assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(1);
    assertThat(failed.expected()).containsExactly("failing#1", "failing#2", "failing#3");
    assertThat(failed.ran()).containsExactly("failing#1");
    assertThat(failed.stdout()).contains("n is 3", "requirement failed: n is not 4", "@@failed failing#2")
        .doesNotContain("never");
  }

  /** The result line a note printed for {@code job}. */
  static JsonNode result(String job) {
    JsonNode r = RESULTS.get(job);
    if (r == null) {
      throw new AssertionError("the notes printed no " + job + " result:\n" + outcome);
    }
    return r;
  }

  /** Pictures of type {@code mime} embedded in the output line that contains {@code marker}. */
  static int pictures(String marker, String mime) {
    String line = outcome.stdout().lines().filter(l -> l.contains(marker)).findFirst()
        .orElseThrow(() -> new AssertionError("no " + marker + " in the output:\n" + outcome));
    return line.split("data:" + mime + ";base64,", -1).length - 1;
  }
}
