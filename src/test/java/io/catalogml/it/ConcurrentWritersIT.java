package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two {@code ingest} processes started together on a new lake, then two {@code preprocess}
 * processes, as a new user would start them: each writer redoes a lost Delta race on the table's
 * new state, so both end 0 (or 75 with {@code delta.conflict} after {@code lake.conflict-retries}),
 * the table holds every product once, and what the runs say they wrote adds up; then two
 * {@code feedback} runs of one corrections file. Both runs of a job are recorded in one experiment
 * of the local store they create together. (The score writer's own two-process test is
 * {@link ScoreIT}.) Tables are read back with delta-rs.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConcurrentWritersIT {
  static final Map<String, String> ENV = Map.of("CATALOG_ML_JAVA_OPTS", "-Xmx2g");

  @TempDir
  static Path dir;

  static String[] job(String name, String... extra) {
    List<String> cmd = new ArrayList<>(List.of("jobs/catalog-ml", name, "--conf", "conf/examples/fashion.conf",
        "--set", "lake.root=" + dir.resolve("lake"), "--set", "tracking.local-dir=" + dir.resolve("mlruns")));
    cmd.addAll(List.of(extra));
    return cmd.toArray(String[]::new);
  }

  /** Starts the same job twice at once; the last JSON line of each, with its exit code as "exit". */
  static List<JsonNode> together(String name, String... extra) throws Exception {
    List<Process> ps = new ArrayList<>();
    for (String who : List.of("a", "b")) {
      ps.add(Processes.start(ENV, dir.resolve(name + "-" + who + ".out"), dir.resolve(name + "-" + who + ".err"),
          job(name, extra)));
    }
    List<JsonNode> results = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      assertThat(ps.get(i).waitFor(10, TimeUnit.MINUTES)).isTrue();
      JsonNode r = Processes.lastJson(dir.resolve(name + "-" + "ab".charAt(i) + ".out"));
      ((com.fasterxml.jackson.databind.node.ObjectNode) r).put("exit", ps.get(i).exitValue());
      System.out.println(name + " " + "ab".charAt(i) + ": " + r);
      results.add(r);
    }
    for (JsonNode r : results) {
      assertThat(r.get("exit").asInt()).as(r.toString()).isIn(0, 75);
      if (r.get("exit").asInt() == 75) {
        assertThat(r.get("error").asText()).isEqualTo("delta.conflict");
        assertThat(r.get("message").asText()).contains("running the job again is safe");
      }
    }
    assertThat(results).as("at least one finished").anyMatch(r -> r.get("exit").asInt() == 0);
    assertThat(results.stream().filter(r -> r.has("tracking")).map(r -> r.get("tracking").get("experimentId").asText())
        .distinct()).as("the finished runs in one experiment of the new local store").hasSize(1);
    return results;
  }

  @Test
  @Order(1)
  void twoIngestsOnANewLakeEndWithEveryProductOnce() throws Exception {
    List<JsonNode> results = together("ingest", "--input", "data/sample/fashion");
    long inserted = results.stream().filter(r -> r.get("exit").asInt() == 0)
        .mapToLong(r -> r.get("inserted").asLong()).sum();
    assertThat(inserted).as("each product inserted by exactly one of them").isEqualTo(1000);
    for (JsonNode r : results) {
      if (r.get("exit").asInt() == 0) {
        assertThat(r.get("inserted").asLong() + r.get("unchanged").asLong()).isEqualTo(1000);
      }
    }
    JsonNode products = Processes.readTable(dir.resolve("lake/bronze/products"), "product_id");
    assertThat(products.get("rows").asLong()).isEqualTo(1000);
    assertThat(products.get("distinct").asLong()).isEqualTo(1000);
  }

  @Test
  @Order(2)
  void twoPreprocessRunsEndWithOneFeatureRowPerProduct() throws Exception {
    List<JsonNode> results = together("preprocess");
    long computed = results.stream().filter(r -> r.get("exit").asInt() == 0)
        .mapToLong(r -> r.get("computed").asLong()).sum();
    assertThat(computed).as("a retried run finds the other's rows and computes nothing").isEqualTo(1000);
    JsonNode features = Processes.readTable(dir.resolve("lake/silver/features"), "product_id");
    assertThat(features.get("rows").asLong()).isEqualTo(1000);
    assertThat(features.get("distinct").asLong()).isEqualTo(1000);
    assertThat(results.stream().filter(r -> r.get("exit").asInt() == 0).map(r -> r.get("textPipelineId").asText())
        .distinct()).hasSize(1);
  }

  @Test
  @Order(3)
  void twoFeedbackRunsOfOneFileEndWithEachCorrectionOnce() throws Exception {
    // Five products of the sample, each given another label, with the reviewer's name.
    List<String> lines = java.nio.file.Files.readAllLines(Path.of("data/sample/fashion/styles.csv"));
    StringBuilder csv = new StringBuilder("product_id,label,reviewer\n");
    for (String line : lines.subList(1, 6)) {
      csv.append(line.substring(0, line.indexOf(','))).append(",Watches,ann\n");
    }
    Path corrections = dir.resolve("corrections.csv");
    java.nio.file.Files.writeString(corrections, csv);

    List<JsonNode> results = together("feedback", "--input", corrections.toString());
    for (JsonNode r : results) {
      if (r.get("exit").asInt() == 0) {
        assertThat(r.get("rowsIn").asLong()).isEqualTo(5);
        assertThat(r.get("inserted").asLong() + r.get("unchanged").asLong()).as(r.toString()).isEqualTo(5);
      }
    }
    long inserted = results.stream().filter(r -> r.get("exit").asInt() == 0)
        .mapToLong(r -> r.get("inserted").asLong()).sum();
    assertThat(inserted).as("each correction inserted by exactly one of them").isEqualTo(5);
    JsonNode feedback = Processes.readTable(dir.resolve("lake/gold/feedback"), "product_id");
    assertThat(feedback.get("rows").asLong()).isEqualTo(5);
    assertThat(feedback.get("distinct").asLong()).isEqualTo(5);
  }
}
