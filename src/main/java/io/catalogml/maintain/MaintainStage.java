package io.catalogml.maintain;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.sum;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Stage;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.delta.DeltaLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import scala.Console;
import scala.Function0;
import scala.Option;

/**
 * Table upkeep of the whole lake: for every table of {@link Lake#tables()} that exists, the
 * retention of {@code maintain.retention} written into its properties ({@link Retention}), then
 * Delta's OPTIMIZE (bin-packing compaction of its small files into files up to
 * {@code spark.databricks.delta.optimize.maxFileSize}; a lost race with another writer is redone
 * through {@link DeltaConflicts#retry}), then VACUUM with the table's retention (data files that
 * left the table longer ago than that are deleted: time travel to older versions stops working).
 * The rows that a reader sees never change. Each run appends one row per table to
 * {@code gold.maintenance}, which the nightly chain's {@link MaintainSchedule} reads.
 *
 * <pre>
 * MaintainResult r = new MaintainStage(spark, config).execute();
 * r.tables().get("gold.predictions").after().snapshotFiles();
 * </pre>
 */
public final class MaintainStage implements Stage<MaintainResult> {
  private static final Logger LOG = LoggerFactory.getLogger(MaintainStage.class);
  /** Name of the job. */
  public static final String JOB = "maintain";
  private static final String MIN_FILE_SIZE = "spark.databricks.delta.optimize.minFileSize";
  private static final String LISTING_PARALLELISM = "spark.sql.sources.parallelPartitionDiscovery.parallelism";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final Lake lake;
  private final Clock clock;

  public MaintainStage(SparkSession spark, CatalogConfig config) {
    this(spark, config, Clock.systemUTC());
  }

  /** @param clock the time recorded in {@code gold.maintenance} (VACUUM itself always uses the real time) */
  public MaintainStage(SparkSession spark, CatalogConfig config, Clock clock) {
    this.spark = spark;
    this.config = config;
    this.lake = Lake.of(config);
    this.clock = clock;
  }

  @Override
  public MaintainResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    Instant now = clock.instant();
    Retention.checkSafe(spark, config.maintain().retention());
    String retention = Retention.interval(config.maintain().retention());
    Map<String, String> skipped = new LinkedHashMap<>();
    Map<String, String> targets = targets(skipped);
    Map<String, TableUpkeep> done = new LinkedHashMap<>();
    Footprint before = Footprint.NONE;
    Footprint after = Footprint.NONE;
    spark.sparkContext().setJobGroup("maintain-" + runId, "catalog-ml maintain", false);
    try {
      for (Map.Entry<String, String> t : targets.entrySet()) {
        spark.sparkContext().setJobDescription("catalog-ml maintain " + t.getKey());
        TableUpkeep u = maintain(t.getKey(), t.getValue());
        done.put(t.getKey(), u);
        before = before.plus(u.before());
        after = after.plus(u.after());
      }
      Long recorded = done.isEmpty() ? null : record(runId, now, retention, done);
      MaintainResult result = new MaintainResult(JOB, runId, retention, now.toString(),
          Collections.unmodifiableMap(done), Collections.unmodifiableMap(skipped), before, after, recorded,
          (System.nanoTime() - started) / 1e9);
      LOG.info("maintain {}: {} table(s), {} skipped {}:\n{}", runId, done.size(), skipped.size(), skipped.keySet(),
          result.toMarkdown());
      return result;
    } finally {
      spark.sparkContext().setJobDescription(null);
      spark.sparkContext().clearJobGroup();
    }
  }

  /** What {@link #execute()} would do, from the tables as they are now: nothing is written. */
  public MaintainPlan plan() {
    long started = System.nanoTime();
    Retention.checkSafe(spark, config.maintain().retention());
    Map<String, String> skipped = new LinkedHashMap<>();
    Map<String, MaintainPlan.TablePlan> plans = new LinkedHashMap<>();
    targets(skipped).forEach((name, location) -> plans.put(name, plan(name, location)));
    return new MaintainPlan(JOB, true, Retention.interval(config.maintain().retention()),
        Collections.unmodifiableMap(plans), Collections.unmodifiableMap(skipped), (System.nanoTime() - started) / 1e9);
  }

  /** The tables to maintain, name → location; the others go into {@code skipped} with the reason. */
  private Map<String, String> targets(Map<String, String> skipped) {
    List<String> chosen = config.maintain().tables();
    Map<String, String> targets = new LinkedHashMap<>();
    lake.tables().forEach((name, location) -> {
      if (!chosen.isEmpty() && !chosen.contains(name)) {
        skipped.put(name, "not in maintain.tables");
      } else if (!DeltaTable.isDeltaTable(spark, location)) {
        skipped.put(name, "no Delta table at " + location + " yet");
      } else {
        targets.put(name, location);
      }
    });
    return targets;
  }

  /**
   * A table as it is: version, files and bytes, properties.
   *
   * @param version its Delta version
   * @param footprint its files and bytes
   * @param properties its table properties
   * @param files its data files and their lengths
   */
  private record State(long version, Footprint footprint, Map<String, String> properties, Map<String, Long> files) {}

  private State state(String location) {
    DeltaTable table = DeltaTable.forPath(spark, location);
    Row detail = table.detail().select("numFiles", "sizeInBytes", "properties").head();
    Map<String, Long> stored = TableFiles.list(spark, location);
    return new State(DeltaTables.version(table), new Footprint(detail.getLong(0), detail.getLong(1), stored.size(),
        TableFiles.bytes(stored)), detail.isNullAt(2) ? Map.of() : Map.copyOf(detail.getJavaMap(2)), stored);
  }

  private TableUpkeep maintain(String name, String location) {
    long t0 = System.nanoTime();
    int retries = config.lake().conflictRetries();
    State before = state(location);
    Map<String, String> changes = Retention.changes(before.properties(), config.maintain().retention());
    String retentionBefore = null;
    if (!changes.isEmpty()) {
      retentionBefore = Retention.current(before.properties());
      LOG.info("maintain {}: setting {} (file retention was {})", name, changes, retentionBefore);
      DeltaConflicts.retry(name, retries, () -> setProperties(location, changes));
    }
    Row compaction = DeltaConflicts.retry(name, retries, () -> DeltaTable.forPath(spark, location).optimize()
        .executeCompaction().select("metrics.numFilesRemoved", "metrics.numFilesAdded").head());
    Map<String, Long> beforeVacuum = TableFiles.list(spark, location);
    vacuum(() -> DeltaTable.forPath(spark, location).vacuum());
    State after = state(location);
    long vacuumed = 0;
    long vacuumedBytes = 0;
    for (Map.Entry<String, Long> f : beforeVacuum.entrySet()) {
      if (!after.files().containsKey(f.getKey())) {
        vacuumed++;
        vacuumedBytes += f.getValue();
      }
    }
    TableUpkeep u = new TableUpkeep(location, before.version(), after.version(), before.footprint(),
        after.footprint(), compaction.getLong(0), compaction.getLong(1), vacuumed, vacuumedBytes,
        Retention.current(after.properties()), retentionBefore, (System.nanoTime() - t0) / 1e9);
    LOG.info("maintain {}: {} → {} snapshot files, {} → {} stored files ({} → {} bytes); compacted {} into {}, "
            + "vacuumed {} ({} bytes), in {} s", name, u.before().snapshotFiles(), u.after().snapshotFiles(),
        u.before().storedFiles(), u.after().storedFiles(), u.before().storedBytes(), u.after().storedBytes(),
        u.filesCompacted(), u.filesWritten(), vacuumed, vacuumedBytes, String.format("%.1f", u.seconds()));
    return u;
  }

  private Void setProperties(String location, Map<String, String> changes) {
    List<String> pairs = new ArrayList<>();
    changes.forEach((k, v) -> pairs.add("'" + k + "' = '" + v + "'"));
    spark.sql("ALTER TABLE " + DeltaTables.sqlName(location) + " SET TBLPROPERTIES (" + String.join(", ", pairs)
        + ")");
    return null;
  }

  private MaintainPlan.TablePlan plan(String name, String location) {
    State now = state(location);
    // VACUUM DRY RUN also lists folders whose files are all too young to go (it would try to remove
    // them, and fail, as they are not empty): only files count.
    List<String> doomed = new ArrayList<>();
    long bytes = 0;
    try {
      FileSystem fs = new Path(location).getFileSystem(spark.sparkContext().hadoopConfiguration());
      for (String f : vacuum(() -> spark.sql("VACUUM " + DeltaTables.sqlName(location) + " DRY RUN")
          .as(Encoders.STRING()).collectAsList())) {
        FileStatus status = fs.getFileStatus(new Path(f));
        if (status.isFile()) {
          doomed.add(f);
          bytes += status.getLen();
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the files VACUUM DRY RUN lists for " + location, e);
    }
    doomed.stream().limit(20).forEach(f -> LOG.info("maintain {}: dry run: VACUUM would delete {}", name, f));
    if (doomed.size() > 20) {
      LOG.info("maintain {}: dry run: ... and {} more", name, doomed.size() - 20);
    }
    return new MaintainPlan.TablePlan(location, now.version(), now.footprint(), smallFiles(location), doomed.size(),
        bytes, Retention.current(now.properties()), Retention.changes(now.properties(), config.maintain().retention()));
  }

  /**
   * Runs a VACUUM with its folder listing spread over the cluster's default parallelism, unless
   * {@value #LISTING_PARALLELISM} is set (VACUUM lists with that many tasks, and Spark's default of
   * 10000 costs seconds of empty tasks per table however small it is), and with the line Delta prints
   * to the console ("Deleted N files ...") sent to stderr: stdout carries only the job's result.
   */
  private <T> T vacuum(Supplier<T> vacuum) {
    Function0<T> toStderr = () -> Console.withOut(System.err, (Function0<T>) vacuum::get);
    if (spark.conf().contains(LISTING_PARALLELISM)) {
      return toStderr.apply();
    }
    spark.conf().set(LISTING_PARALLELISM, Integer.toString(spark.sparkContext().defaultParallelism()));
    try {
      return toStderr.apply();
    } finally {
      spark.conf().unset(LISTING_PARALLELISM);
    }
  }

  /**
   * The files OPTIMIZE would rewrite (it has no dry run): the snapshot's files under the minimum file
   * size, counted in partitions that hold two or more (a lone small file is left as it is).
   */
  private long smallFiles(String location) {
    long min = Long.parseLong(spark.conf().get(MIN_FILE_SIZE));
    Row small = DeltaLog.forTable(spark, location).update(false, Option.empty(), Option.empty()).allFiles().toDF()
        .where(col("size").lt(min)).groupBy(col("partitionValues").cast("string")).count()
        .where(col("count").geq(2)).agg(sum("count")).head();
    return small.isNullAt(0) ? 0 : small.getLong(0);
  }

  /** Appends this run's rows to {@code gold.maintenance} (a blind append: it never conflicts); returns its version. */
  private long record(String runId, Instant now, String retention, Map<String, TableUpkeep> done) {
    Timestamp at = Timestamp.from(now);
    List<Row> rows = new ArrayList<>();
    done.forEach((name, u) -> rows.add(RowFactory.create(runId, at, name, u.versionBefore(), u.versionAfter(),
        u.before().snapshotFiles(), u.before().snapshotBytes(), u.after().snapshotFiles(), u.after().snapshotBytes(),
        u.before().storedFiles(), u.before().storedBytes(), u.after().storedFiles(), u.after().storedBytes(),
        u.filesCompacted(), u.filesWritten(), u.filesVacuumed(), u.bytesVacuumed(), retention, u.seconds())));
    DeltaTables.createIfNotExists(spark, lake.maintenance(), MaintainTables.MAINTENANCE, Map.of());
    spark.createDataFrame(rows, MaintainTables.MAINTENANCE).write().format("delta").mode("append")
        .save(lake.maintenance());
    return DeltaTables.version(DeltaTable.forPath(spark, lake.maintenance()));
  }
}
