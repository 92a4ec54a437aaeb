package io.catalogml.bench;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Stage;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.spark.SparkSessions;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.Locale;
import org.apache.spark.sql.SparkSession;

/**
 * Times the ingest job end to end: JVM and Spark start-up, a first ingest into an empty lake,
 * and a re-ingest of the same drop (every row unchanged). Prints a table; the result carries
 * the same numbers for docs/BENCHMARKS.md.
 */
public final class IngestBenchmark implements Stage<IngestBenchmark.Result> {
  /**
   * Benchmark numbers.
   *
   * @param job always {@code bench-ingest}
   * @param master Spark master used
   * @param cores cores available to the JVM
   * @param rows input rows
   * @param startupSeconds JVM start to a ready Spark session
   * @param firstIngestSeconds first ingest into an empty lake
   * @param firstRowsPerSecond rows / firstIngestSeconds
   * @param reingestSeconds re-ingest of the same drop
   * @param reingestRowsPerSecond rows / reingestSeconds
   * @param wallSeconds JVM start to end of the first ingest
   * @param first the first ingest's own result
   */
  public record Result(String job, String master, int cores, long rows, double startupSeconds,
      double firstIngestSeconds, double firstRowsPerSecond, double reingestSeconds,
      double reingestRowsPerSecond, double wallSeconds, IngestResult first) implements StageResult {}

  private final CatalogConfig config;
  private final PrintStream table;

  public IngestBenchmark(CatalogConfig config, PrintStream table) {
    this.config = config;
    this.table = table;
  }

  @Override
  public Result execute() {
    long jvmStart = ManagementFactory.getRuntimeMXBean().getStartTime();
    SparkSession spark = SparkSessions.create(config.spark(), "bench-ingest");
    double startup = (System.currentTimeMillis() - jvmStart) / 1000.0;
    IngestResult first = new IngestStage(spark, config).execute();
    double wall = (System.currentTimeMillis() - jvmStart) / 1000.0;
    IngestResult again = new IngestStage(spark, config).execute();
    String master = spark.sparkContext().master();
    long rows = first.rowsIn();
    Result r = new Result("bench-ingest", master, Runtime.getRuntime().availableProcessors(), rows, startup,
        first.seconds(), rows / first.seconds(), again.seconds(), rows / again.seconds(), wall, first);
    print(r, again);
    return r;
  }

  private void print(Result r, IngestResult again) {
    table.printf(Locale.ROOT, "ingest benchmark: %d rows, master %s, %d cores%n", r.rows(), r.master(), r.cores());
    table.println("| phase | seconds | rows/s | upserted | unchanged | quarantined |");
    table.println("|---|---:|---:|---:|---:|---:|");
    table.printf(Locale.ROOT, "| JVM + Spark start-up | %.1f | | | | |%n", r.startupSeconds());
    table.printf(Locale.ROOT, "| first ingest (empty lake) | %.1f | %.0f | %d | %d | %d |%n", r.firstIngestSeconds(),
        r.firstRowsPerSecond(), r.first().upserted(), r.first().unchanged(), r.first().quarantined());
    table.printf(Locale.ROOT, "| re-ingest (same drop) | %.1f | %.0f | %d | %d | %d |%n", r.reingestSeconds(),
        r.reingestRowsPerSecond(), again.upserted(), again.unchanged(), again.quarantined());
    table.printf(Locale.ROOT, "| wall: JVM start to first ingest done | %.1f | %.0f | | | |%n", r.wallSeconds(),
        r.rows() / r.wallSeconds());
  }
}
