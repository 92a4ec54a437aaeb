package io.catalogml.spark;

import io.catalogml.config.CatalogConfig.SparkSettings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every job runs in, with Delta Lake enabled. */
public final class SparkSessions {
  private SparkSessions() {}

  /**
   * Returns the active session configured from {@code settings}. A master set by spark-submit
   * ({@code spark.master} system property) wins over {@code spark.master} in configuration.
   */
  public static SparkSession create(SparkSettings settings, String jobName) {
    SparkSession.Builder builder = withDelta(settings.appName() + "-" + jobName);
    if (System.getProperty("spark.master") == null) {
      builder.master(settings.master());
    }
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      builder.config(e.getKey(), e.getValue());
    }
    return builder.getOrCreate();
  }

  /** A session builder with Delta Lake enabled and no master set (benchmarks set their own). */
  public static SparkSession.Builder withDelta(String appName) {
    return SparkSession.builder()
        .appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
  }
}
