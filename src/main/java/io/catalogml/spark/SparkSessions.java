package io.catalogml.spark;

import io.catalogml.config.CatalogConfig.SparkSettings;
import io.catalogml.core.CatalogErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Builds the Spark session every job runs in, with Delta Lake enabled. */
public final class SparkSessions {
  private static final Logger LOG = LoggerFactory.getLogger(SparkSessions.class);

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
   * Gives a running session that the jobs did not build (a notebook's, a spark-shell's) the entries of
   * {@code settings.conf()} that a running session can take: SQL settings such as shuffle partitions,
   * Delta's snapshot partitions and the session time zone, so a stage runs there as it does in its job.
   * Spark settings fixed when the session started (the serializer, the console progress bar) stay as
   * they are; those whose value differs are logged and returned, to be set on the interpreter. A value
   * Spark refuses for a runtime setting fails as a configuration error.
   *
   * @return the keys this session could not take and has another value for
   */
  public static List<String> useConf(SparkSession spark, SparkSettings settings) {
    List<String> fixed = new ArrayList<>();
    for (Map.Entry<String, String> e : settings.conf().entrySet()) {
      try {
        spark.conf().set(e.getKey(), e.getValue());
      } catch (Exception refused) { // undeclared: AnalysisException (a static or core setting), or a bad value
        if (spark.conf().isModifiable(e.getKey())) {
          throw CatalogErrors.badConfigValue("spark.conf.\"" + e.getKey() + "\"", e.getValue(),
              null, "a value Spark takes (" + refused.getMessage() + ")");
        }
        String current = spark.sparkContext().getConf().get(e.getKey(), null);
        if (!e.getValue().equals(current)) {
          fixed.add(e.getKey());
          LOG.warn("spark.conf.\"{}\" = \"{}\" is not applied: this session started with {}, and Spark does not"
              + " change it while a session runs. Set it where the session is started (the Spark interpreter's"
              + " properties, or --conf for spark-shell).", e.getKey(), e.getValue(),
              current == null ? "no value" : "\"" + current + "\"");
        }
      }
    }
    return fixed;
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
