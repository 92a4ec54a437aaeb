package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jobs/submit.sh} through a real spark-submit (SPARK_HOME from pyspark 3.5.7, installed
 * by jobs/test.sh) with the fat jar. Outside CI a missing SPARK_HOME skips; with CI=true it fails.
 */
class SparkSubmitIT {
  @TempDir
  Path dir;

  @BeforeAll
  static void requireSpark() {
    Processes.requireSparkHome();
  }

  @Test
  void rakutenSampleIngestsThroughSparkSubmitAndReingestsUnchanged() throws Exception {
    Path lake = dir.resolve("lake");
    String[] command = {"jobs/submit.sh", "--master", "local[2]", "--", "ingest",
        "--conf", "conf/examples/rakuten.conf", "--input", "data/sample/rakuten", "--set", "lake.root=" + lake,
        "--set", "tracking.local-dir=" + dir.resolve("mlruns")};
    Processes.Run first = Processes.run(Map.of("CATALOG_ML_JAR", System.getProperty("catalogml.fatJar")), command);
    assertThat(first.exitCode()).as(first.toString()).isZero();
    JsonNode r1 = first.lastJson();
    assertThat(r1.get("rowsIn").asLong()).isEqualTo(499);
    assertThat(r1.get("inserted").asLong()).isEqualTo(499);
    assertThat(first.stderr()).contains("local[2]");

    Processes.Run second = Processes.run(Map.of("CATALOG_ML_JAR", System.getProperty("catalogml.fatJar")), command);
    assertThat(second.exitCode()).as(second.toString()).isZero();
    JsonNode r2 = second.lastJson();
    assertThat(r2.get("unchanged").asLong()).isEqualTo(499);
    assertThat(r2.get("productsVersion").asLong()).isEqualTo(r1.get("productsVersion").asLong());
  }

  @Test
  void theFashionSampleIsScoredThroughSparkSubmitWithTheCommittedFusionPackage() throws Exception {
    Map<String, String> env = Map.of("CATALOG_ML_JAR", System.getProperty("catalogml.fatJar"));
    String[] common = {"--conf", "conf/examples/fashion.conf", "--set", "lake.root=" + dir.resolve("lake"),
        "--set", "tracking.local-dir=" + dir.resolve("mlruns")};
    Processes.Run ingest = Processes.run(env, concat(new String[] {"jobs/submit.sh", "--master", "local[2]", "--",
        "ingest", "--input", "data/sample/fashion"}, common));
    assertThat(ingest.exitCode()).as(ingest.toString()).isZero();
    Processes.Run score = Processes.run(env, concat(new String[] {"jobs/submit.sh", "--master", "local[2]", "--",
        "score", "--model", Processes.ROOT.resolve("src/test/resources/models/fusion-sample").toString()}, common));
    assertThat(score.exitCode()).as(score.toString()).isZero();
    JsonNode r = score.lastJson();
    assertThat(r.get("scored").asLong()).isEqualTo(1000);
    assertThat(r.get("featurisedFromBronze").asLong()).isEqualTo(1000);
    assertThat(r.get("networkLoads").asLong()).isEqualTo(1);
    assertThat(r.get("tracking").get("runId").asText()).isNotBlank();
  }

  private static String[] concat(String[] a, String[] b) {
    String[] all = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, all, a.length, b.length);
    return all;
  }
}
