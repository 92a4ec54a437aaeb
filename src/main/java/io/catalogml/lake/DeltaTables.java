package io.catalogml.lake;

import io.catalogml.core.CatalogErrors;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.StructType;

/**
 * Creation, version look-up and verified MERGE of the project's Delta tables. Every job that
 * MERGEs goes through {@link #mergeAndVerify}: it runs the MERGE, reads the commit's own
 * metrics and fails when they differ from the rows the job meant to write, so a lost or
 * doubled row never passes silently.
 */
public final class DeltaTables {
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(DeltaTables.class);
  private DeltaTables() {}

  /**
   * Creates the Delta table at {@code location} unless it exists; returns it. Two jobs creating
   * the same new table at once both succeed: the one that lost the race (its create sees the
   * other's half-made log, or conflicts with its first commit) waits for the other's table.
   */
  public static DeltaTable createIfNotExists(SparkSession spark, String location, StructType schema,
      boolean changeDataFeed) {
    return createIfNotExists(spark, location, schema, Map.of("delta.enableChangeDataFeed",
        Boolean.toString(changeDataFeed)));
  }

  /** Like {@link #createIfNotExists(SparkSession, String, StructType, boolean)} with these table properties. */
  public static DeltaTable createIfNotExists(SparkSession spark, String location, StructType schema,
      Map<String, String> properties) {
    for (int attempt = 1; ; attempt++) {
      try {
        io.delta.tables.DeltaTableBuilder builder = DeltaTable.createIfNotExists(spark).location(location)
            .addColumns(schema);
        for (Map.Entry<String, String> p : new java.util.TreeMap<>(properties).entrySet()) {
          builder = builder.property(p.getKey(), p.getValue());
        }
        return builder.execute();
      } catch (Exception e) {
        if (attempt >= 10) {
          throw e;
        }
        LOG.warn("{}: another job is creating the table ({}); waiting for it", location, e.getClass().getSimpleName());
        try {
          Thread.sleep(300L * attempt);
        } catch (InterruptedException ie) {
          Thread.currentThread().interrupt();
          throw e;
        }
        if (DeltaTable.isDeltaTable(spark, location)) {
          return DeltaTable.forPath(spark, location);
        }
      }
    }
  }

  /**
   * Adds the nullable columns of {@code schema} that a table made by an earlier version lacks
   * (existing rows read them as null); returns the table as it is then. Nothing to add → no commit.
   */
  public static DeltaTable addMissingColumns(SparkSession spark, DeltaTable table, String location, StructType schema) {
    java.util.Set<String> present = java.util.Set.of(table.toDF().schema().fieldNames());
    java.util.List<String> missing = new java.util.ArrayList<>();
    for (org.apache.spark.sql.types.StructField f : schema.fields()) {
      if (!present.contains(f.name())) {
        if (!f.nullable()) {
          throw new IllegalStateException("column " + f.name() + " cannot be added to " + location
              + ": existing rows have no value for a non-nullable column");
        }
        missing.add("`" + f.name() + "` " + f.dataType().sql());
      }
    }
    if (missing.isEmpty()) {
      return table;
    }
    LOG.info("{}: adding column(s) {} (the table was made by an earlier version)", location, missing);
    spark.sql("ALTER TABLE " + sqlName(location) + " ADD COLUMNS (" + String.join(", ", missing) + ")");
    return DeltaTable.forPath(spark, location);
  }

  /** The table at {@code location} as Spark SQL names it: {@code delta.`<location>`}. */
  public static String sqlName(String location) {
    return "delta.`" + location.replace("`", "``") + "`";
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

  /** Session key of the text Delta stores in a commit's {@code userMetadata}. */
  static final String USER_METADATA = "spark.databricks.delta.commitInfo.userMetadata";

  /**
   * Executes a MERGE with a unique marker in its commit's {@code userMetadata} and returns that
   * commit, found by its marker: with another writer on the table, "the last commit" may be theirs.
   */
  private static Commit executeMarked(DeltaTable table, DeltaMergeBuilder merge) {
    SparkSession spark = table.toDF().sparkSession();
    long before = version(table);
    String marker = "catalog-ml merge " + java.util.UUID.randomUUID();
    String previous = spark.conf().getOption(USER_METADATA).getOrElse(() -> null);
    spark.conf().set(USER_METADATA, marker);
    try {
      merge.execute();
    } finally {
      if (previous == null) {
        spark.conf().unset(USER_METADATA);
      } else {
        spark.conf().set(USER_METADATA, previous);
      }
    }
    java.util.List<Row> mine = table.history(100).where(org.apache.spark.sql.functions.col("version").gt(before)
        .and(org.apache.spark.sql.functions.col("userMetadata").equalTo(marker)))
        .select("version", "operationMetrics").collectAsList();
    if (mine.isEmpty()) {
      return lastCommit(table);
    }
    Row r = mine.get(0);
    return new Commit(r.getLong(0), r.isNullAt(1) ? Map.of() : Map.copyOf(r.getJavaMap(1)));
  }

  /**
   * The rows a MERGE must write: {@code written} inserted plus updated, {@code deleted} deleted,
   * and where known exactly, {@code inserted} and {@code updated} (null = not checked apart).
   */
  public record Expected(Long inserted, Long updated, long written, long deleted) {
    /** Exactly these inserts, updates and deletes. */
    public static Expected exactly(long inserted, long updated, long deleted) {
      return new Expected(inserted, updated, inserted + updated, deleted);
    }

    /** {@code written} inserts and updates together, and {@code deleted} deletes. */
    public static Expected written(long written, long deleted) {
      return new Expected(null, null, written, deleted);
    }

    /** Whether there is nothing to write. */
    public boolean none() {
      return written == 0 && deleted == 0;
    }
  }

  /**
   * Inserts the rows of {@code rows} that have no equal in the table on every column of {@code key}
   * (null equals null), in one verified MERGE; rows already there are left as they are, so writing the
   * same rows again commits nothing. {@code rows} has the table's columns.
   *
   * @param name the table's logical name, for the message
   * @return the commit, or the current version with no metrics when every row was there
   */
  public static Commit insertNew(DeltaTable table, String name, Dataset<Row> rows, List<String> key) {
    Column[] stored = new Column[key.size()];
    Column same = null;
    String condition = null;
    for (int i = 0; i < key.size(); i++) {
      String k = key.get(i);
      stored[i] = functions.col(k).as("_key" + i);
      Column c = functions.col(k).eqNullSafe(functions.col("_key" + i));
      same = same == null ? c : same.and(c);
      String sql = "t.`" + k + "` <=> s.`" + k + "`";
      condition = condition == null ? sql : condition + " AND " + sql;
    }
    long fresh = rows.join(table.toDF().select(stored), same, "left_anti").count();
    return mergeAndVerify(table, name, table.as("t").merge(rows.as("s"), condition).whenNotMatched().insertAll(),
        Expected.exactly(fresh, 0, 0));
  }

  /**
   * Executes {@code merge} into {@code table} unless nothing is expected (then no commit and the
   * current version), and checks the commit's metrics against {@code expected}.
   *
   * @param name the table's logical name, for the message
   */
  public static Commit mergeAndVerify(DeltaTable table, String name, DeltaMergeBuilder merge, Expected expected) {
    if (expected.none()) {
      return new Commit(version(table), Map.of());
    }
    Commit commit = executeMarked(table, merge);
    long inserted = commit.metric("numTargetRowsInserted");
    long updated = commit.metric("numTargetRowsUpdated");
    long deleted = commit.metric("numTargetRowsDeleted");
    boolean ok = inserted + updated == expected.written() && deleted == expected.deleted()
        && (expected.inserted() == null || expected.inserted() == inserted)
        && (expected.updated() == null || expected.updated() == updated);
    if (!ok) {
      throw CatalogErrors.rowsLost(name, expected.written() + expected.deleted(), inserted + updated + deleted,
          "expected " + expected + " but the MERGE (version " + commit.version() + ") inserted " + inserted
              + ", updated " + updated + " and deleted " + deleted);
    }
    return commit;
  }
}
