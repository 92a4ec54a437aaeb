package io.catalogml;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** One local[2] Spark session with Delta per test class, UI off. */
public abstract class SparkTestBase {
  protected static SparkSession spark;

  @BeforeAll
  static void startSpark() {
    // The jobs' own builder: Delta, and the log store the jobs commit through.
    spark = io.catalogml.spark.SparkSessions.withDelta("catalog-ml-test")
        .master("local[2]")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.databricks.delta.snapshotPartitions", "2")
        .config("spark.driver.host", "127.0.0.1")
        .config("spark.sql.session.timeZone", "UTC")
        .getOrCreate();
  }

  @AfterAll
  static void stopSpark() {
    if (spark != null) {
      spark.stop();
      spark = null;
    }
  }

  /** Configuration from example files plus overrides, with the lake in {@code lake}. */
  protected static CatalogConfig config(Path lake, List<String> confFiles, String... overrides) {
    List<Path> files = confFiles.stream().map(Path::of).toList();
    List<String> all = new ArrayList<>(List.of(overrides));
    all.add("lake.root=" + lake);
    return ConfigLoader.load(files, all);
  }
}
