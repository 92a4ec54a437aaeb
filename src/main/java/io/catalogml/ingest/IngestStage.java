package io.catalogml.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.Settings.MissingImagePolicy;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.delta.tables.DeltaMergeBuilder;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ingests one catalogue drop: reads it, validates every row, MERGEs valid products into
 * {@code bronze.products} by product id (a row changes only when its record hash changes) and
 * inserts rejected rows into {@code bronze.quarantine} with a reason and a message, each once (a row
 * rejected by an earlier run of the same drop is there already). A MERGE that loses a race with
 * another writer is redone on the table's new state ({@code lake.conflict-retries}).
 */
public final class IngestStage implements Stage<IngestResult> {
  private static final Logger LOG = LoggerFactory.getLogger(IngestStage.class);

  private final SparkSession spark;
  private final CatalogConfig config;
  private final Lake lake;

  public IngestStage(SparkSession spark, CatalogConfig config) {
    this.spark = spark;
    this.config = config;
    this.lake = Lake.of(config);
  }

  @Override
  public IngestResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    CatalogueSource source = source();
    spark.sparkContext().setJobGroup("ingest-" + runId, "catalog-ml ingest " + source.name()
        + " from " + config.source().input(), false);
    try {
      DeltaTables.createIfNotExists(spark, lake.products(), ProductTables.PRODUCTS, true);
      DeltaTable quarantine = DeltaTables.createIfNotExists(spark, lake.quarantine(), ProductTables.QUARANTINE, false);
      LOG.info("ingest {}: tables ready at {} s", runId, String.format("%.1f", (System.nanoTime() - started) / 1e9));

      Dataset<Row> checked = IngestValidation.check(source.read(spark), source, config.ingest(),
          encoding())
          .persist(StorageLevel.MEMORY_AND_DISK());
      try {
        Counts counts = Counts.of(checked);
        LOG.info("ingest {}: {} rows read and validated ({} valid) in {} s", runId, counts.rowsIn, counts.valid,
            String.format("%.1f", (System.nanoTime() - started) / 1e9));
        Dataset<Row> valid = productRows(checked.where(col(IngestValidation.REASON).isNull()),
            source.name(), runId, now);
        AtomicInteger attempts = new AtomicInteger();
        MergeCounts merged = DeltaConflicts.retry(lake.names().products(), config.lake().conflictRetries(), () -> {
          attempts.incrementAndGet();
          return merge(DeltaTable.forPath(spark, lake.products()), valid);
        });
        LOG.info("ingest {}: merged into {} (version {}) at {} s", runId, lake.names().products(), merged.version,
            String.format("%.1f", (System.nanoTime() - started) / 1e9));
        long quarantineVersion = quarantine(quarantine, checked, runId, now, counts.quarantined());
        long unchanged = counts.valid - merged.inserted - merged.updated;
        return new IngestResult("ingest", runId, source.name(), config.source().input(),
            counts.rowsIn, merged.inserted + merged.updated, merged.inserted, merged.updated, unchanged,
            counts.quarantined(), counts.byReason, counts.keptWithoutImage,
            lake.names().products(), merged.version, lake.names().quarantine(), quarantineVersion,
            attempts.get() - 1, (System.nanoTime() - started) / 1e9);
      } finally {
        checked.unpersist();
      }
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** The drop's source; fails up front when no product could have an image and such products are quarantined. */
  private CatalogueSource source() {
    CatalogueSource source = Sources.of(config.source(), spark.sparkContext().hadoopConfiguration());
    if (!source.hasImageSource() && config.ingest().missingImage() == MissingImagePolicy.QUARANTINE) {
      throw CatalogErrors.noImageSource();
    }
    return source;
  }

  /** What {@link #execute} would do with the drop now: read and validated, compared with bronze, nothing written. */
  public IngestPlan plan() {
    CatalogueSource source = source();
    Dataset<Row> checked = IngestValidation.check(source.read(spark), source, config.ingest(),
          encoding())
        .persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Counts counts = Counts.of(checked);
      Long version = null;
      Map<String, Long> changes = new TreeMap<>(Map.of("insert", counts.valid, "update", 0L));
      if (DeltaTable.isDeltaTable(spark, lake.products())) {
        DeltaTable products = DeltaTable.forPath(spark, lake.products());
        version = DeltaTables.version(products);
        Dataset<Row> valid = productRows(checked.where(col(IngestValidation.REASON).isNull()), source.name(), "plan",
            new Timestamp(System.currentTimeMillis()));
        changes = changeCounts(changes(products, valid));
      }
      long unchanged = counts.valid - changes.get("insert") - changes.get("update");
      return new IngestPlan("ingest", true, config.source().input(), counts.rowsIn, changes.get("insert"),
          changes.get("update"), unchanged, counts.quarantined(), counts.byReason, version);
    } finally {
      checked.unpersist();
    }
  }

  /** The encoding text was decoded with: the CSV setting for CSV files, UTF-8 for JSON and Parquet. */
  private String encoding() {
    boolean csv = config.source().format() == io.catalogml.config.Settings.SourceFormat.RAKUTEN
        || config.source().fileFormat() == io.catalogml.config.Settings.FileFormat.CSV;
    return csv ? config.source().csv().encoding() : "UTF-8";
  }

  private static Dataset<Row> productRows(Dataset<Row> valid, String sourceName, String runId, Timestamp now) {
    Column imageOk = col("image.status").equalTo("ok");
    return valid
        .withColumn("image_uri", when(imageOk, col("image.uri")))
        .withColumn("image_status", when(imageOk, lit("ok")).otherwise(lit("missing")))
        .withColumn("image_size", when(imageOk, col("image.size")))
        .withColumn("image_sha256", when(imageOk, col("image.sha256")))
        .withColumn("image_width", when(imageOk, col("image.width")))
        .withColumn("image_height", when(imageOk, col("image.height")))
        .withColumn("image_format", when(imageOk, col("image.format")))
        .withColumn("content_hash", ProductTables.contentHash())
        .withColumn("record_hash", ProductTables.recordHash())
        .withColumn("source_format", lit(sourceName))
        .withColumn("ingest_run_id", lit(runId))
        .withColumn("created_at", lit(now))
        .withColumn("updated_at", lit(now))
        .select(Arrays.stream(ProductTables.PRODUCTS.fieldNames()).map(c -> col(c)).toArray(Column[]::new));
  }

  private record MergeCounts(long inserted, long updated, long version) {}

  /**
   * MERGEs only the rows that are new or whose record hash changed, so an identical re-ingest
   * writes no new table version. A drop with new products only runs an insert-only MERGE,
   * which Delta executes in one pass.
   */
  private static MergeCounts merge(DeltaTable products, Dataset<Row> valid) {
    Dataset<Row> changed = changes(products, valid).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      Map<String, Long> expected = changeCounts(changed);
      DeltaMergeBuilder merge = products.as("t")
          .merge(changed.drop("_stored_id", "_stored_hash", "_change").as("s"), "t.product_id = s.product_id");
      if (expected.get("update") > 0) {
        Map<String, String> update = new LinkedHashMap<>();
        for (String field : ProductTables.PRODUCTS.fieldNames()) {
          if (!field.equals("created_at")) {
            update.put(field, "s." + field);
          }
        }
        merge = merge.whenMatched().updateExpr(update);
      }
      DeltaTables.Commit commit = DeltaTables.mergeAndVerify(products, "bronze.products",
          merge.whenNotMatched().insertAll(), DeltaTables.Expected.exactly(expected.get("insert"), expected.get("update"), 0));
      long inserted = expected.get("insert");
      long updated = expected.get("update");
      return new MergeCounts(inserted, updated, commit.version());
    } finally {
      changed.unpersist();
    }
  }

  /** Valid rows that are new ({@code _change = insert}) or whose record hash changed ({@code update}). */
  private static Dataset<Row> changes(DeltaTable products, Dataset<Row> valid) {
    Dataset<Row> stored = products.toDF().select(col("product_id").as("_stored_id"),
        col("record_hash").as("_stored_hash"));
    return valid
        .join(stored, valid.col("product_id").equalTo(stored.col("_stored_id")), "left")
        .withColumn("_change", when(col("_stored_id").isNull(), lit("insert"))
            .when(col("_stored_hash").notEqual(col("record_hash")), lit("update")))
        .where(col("_change").isNotNull());
  }

  private static Map<String, Long> changeCounts(Dataset<Row> changed) {
    Map<String, Long> counts = new TreeMap<>(Map.of("insert", 0L, "update", 0L));
    changed.groupBy("_change").count().collectAsList().forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    return counts;
  }

  /** Inserts the rejected rows not quarantined before ({@link ProductTables#QUARANTINE_KEY}); returns the version. */
  private long quarantine(DeltaTable quarantine, Dataset<Row> checked, String runId, Timestamp now, long rows) {
    if (rows == 0) {
      return DeltaTables.version(quarantine);
    }
    Dataset<Row> rejected = checked.where(col(IngestValidation.REASON).isNotNull())
        .select(lit(runId).as("ingest_run_id"), lit(now).as("quarantined_at"),
            col(SourceColumns.SOURCE_FILE), col(SourceColumns.SOURCE_ROW), col(SourceColumns.PRODUCT_ID),
            col(IngestValidation.REASON), col(IngestValidation.MESSAGE), col(SourceColumns.RAW_RECORD));
    return DeltaConflicts.retry(lake.names().quarantine(), config.lake().conflictRetries(),
        () -> DeltaTables.insertNew(quarantine, lake.names().quarantine(), rejected, ProductTables.QUARANTINE_KEY)
            .version());
  }

  /** Row counts of a validated drop, from one pass over the cached frame. */
  private record Counts(long rowsIn, long valid, long keptWithoutImage, Map<String, Long> byReason) {
    static Counts of(Dataset<Row> checked) {
      long rowsIn = 0;
      long valid = 0;
      long kept = 0;
      Map<String, Long> byReason = new TreeMap<>();
      for (Row r : checked.groupBy(col(IngestValidation.REASON), col("image.status")).count().collectAsList()) {
        long n = r.getLong(2);
        rowsIn += n;
        if (r.isNullAt(0)) {
          valid += n;
          if (!"ok".equals(r.getString(1))) {
            kept += n;
          }
        } else {
          byReason.merge(r.getString(0), n, Long::sum);
        }
      }
      return new Counts(rowsIn, valid, kept, Map.copyOf(byReason));
    }

    long quarantined() {
      return byReason.values().stream().mapToLong(Long::longValue).sum();
    }
  }
}
