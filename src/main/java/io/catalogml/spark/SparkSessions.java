package io.catalogml.spark;

import io.catalogml.config.CatalogConfig.SparkSettings;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every job runs in, with Delta Lake enabled. */
public final class SparkSessions {
  private SparkSessions() {}

  /** Spark's Kryo serialiser, set with {@link Nd4jKryoRegistrator} by {@link #withDelta}. */
  public static final String KRYO = "org.apache.spark.serializer.KryoSerializer";

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

  /**
   * A session builder with Delta Lake enabled and no master set (benchmarks set their own). A lake
   * on {@code file:} paths commits through {@link io.catalogml.lake.LinkLogStore}. Spark serialises
   * task results, broadcasts and shuffled objects with Kryo, ND4J arrays by bulk memory copy
   * ({@link Nd4jKryoRegistrator}); spark-submit's {@code --conf spark.serializer} or a job's
   * {@code spark.conf} may choose another.
   */
  public static SparkSession.Builder withDelta(String appName) {
    SparkSession.Builder builder = SparkSession.builder()
        .appName(appName)
        .config("spark.sql.extensions", "io.delta.sql.DeltaSparkSessionExtension")
        .config("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog")
        // Commits to a lake on a local or shared file system: one job per version, between processes too.
        .config("spark.delta.logStore.file.impl", io.catalogml.lake.LinkLogStore.class.getName());
    // spark-submit's --conf spark.serializer=... (a system property here) wins over this default.
    if (System.getProperty("spark.serializer") == null) {
      // Parameter averaging ships the network and its Adam state each round: see NdArrayKryoSerializer.
      builder.config("spark.serializer", KRYO)
          .config("spark.kryo.registrator", Nd4jKryoRegistrator.class.getName())
          // A round's result holds the parameters and Adam state (tens of MB for a large vocabulary).
          .config("spark.kryoserializer.buffer.max", "1g");
    }
    return builder;
  }
}
