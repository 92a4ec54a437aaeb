package io.catalogml.lake;

import io.delta.tables.DeltaTable;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/** Creation and version look-up of the project's Delta tables. */
public final class DeltaTables {
  private DeltaTables() {}

  /** Creates the Delta table at {@code location} unless it exists; returns it. */
  public static DeltaTable createIfNotExists(SparkSession spark, String location, StructType schema,
      boolean changeDataFeed) {
    return DeltaTable.createIfNotExists(spark)
        .location(location)
        .addColumns(schema)
        .property("delta.enableChangeDataFeed", Boolean.toString(changeDataFeed))
        .execute();
  }

  /**
   * The last commit of a table: its version and operation metrics.
   *
   * @param version Delta version
   * @param metrics Delta's operation metrics, e.g. {@code numTargetRowsInserted}
   */
  public record Commit(long version, Map<String, String> metrics) {
    /** A numeric metric, 0 when Delta did not report it. */
    public long metric(String name) {
      return Long.parseLong(metrics.getOrDefault(name, "0"));
    }
  }

  /** The last commit of a table. */
  public static Commit lastCommit(DeltaTable table) {
    Row last = table.history(1).select("version", "operationMetrics").head();
    Map<String, String> metrics = last.isNullAt(1) ? Map.of() : last.getJavaMap(1);
    return new Commit(last.getLong(0), Map.copyOf(metrics));
  }

  /** The current version of a Delta table. */
  public static long version(DeltaTable table) {
    Row last = table.history(1).select("version").head();
    return last.getLong(0);
  }
}
