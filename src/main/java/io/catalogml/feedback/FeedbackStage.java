package io.catalogml.feedback;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.Settings.FileFormat;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.ingest.ProductTables;
import io.catalogml.ingest.SourceColumns;
import io.catalogml.ingest.SourceFiles;
import io.catalogml.lake.DeltaConflicts;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.storage.StorageLevel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A corrections file → {@code gold.feedback} (MERGE on {@code product_id}: the latest correction of
 * a product wins) + {@code gold.feedback_quarantine}, validated like an ingest drop: every row ends
 * in one of the two.
 *
 * <p>The file is CSV with a header: {@code product_id} and {@code label} (required),
 * {@code reviewer} and {@code note} (optional). A row is quarantined, first reason first, when it
 * cannot be parsed ({@code malformed_record}), has no product id ({@code missing_id}) or no label
 * ({@code missing_label}), its product id appears again later in the file ({@code duplicate_id}:
 * the last occurrence wins, as in ingest), its product is not in {@code bronze.products}
 * ({@code unknown_product}), or its label is not in a non-empty {@code ingest.labels}
 * ({@code unknown_label}). Rerunning the same file changes nothing in {@code gold.feedback} nor in its
 * quarantine (a rejected row already there, by {@link ProductTables#QUARANTINE_KEY}, is not added again).
 */
public final class FeedbackStage implements Stage<FeedbackResult> {
  private static final Logger LOG = LoggerFactory.getLogger(FeedbackStage.class);
  /** Name of the job. */
  public static final String JOB = "feedback";
  /** Columns a corrections file must have. */
  public static final List<String> REQUIRED = List.of("product_id", "label");
  /** Columns a corrections file may have. */
  public static final List<String> OPTIONAL = List.of("reviewer", "note");
  private static final String REASON = "_reason";

  private final SparkSession spark;
  private final CatalogConfig config;
  private final String input;
  private final Lake lake;

  /** @param input the corrections CSV file (or a folder of them) */
  public FeedbackStage(SparkSession spark, CatalogConfig config, String input) {
    this.spark = spark;
    this.config = config;
    this.input = input;
    this.lake = Lake.of(config);
  }

  @Override
  public FeedbackResult execute() {
    long started = System.nanoTime();
    String runId = UUID.randomUUID().toString();
    Timestamp now = new Timestamp(System.currentTimeMillis());
    if (!DeltaTable.isDeltaTable(spark, lake.products())) {
      throw CatalogErrors.tableMissing(lake.names().products(), lake.products(), "run the ingest job first");
    }
    Dataset<Row> raw = read();
    return DeltaConflicts.retry(lake.names().feedback(), config.lake().conflictRetries(),
        () -> attempt(raw, runId, now, started));
  }

  private Dataset<Row> read() {
    Dataset<Row> raw;
    try {
      raw = SourceFiles.read(spark, FileFormat.CSV, input, new CatalogConfig.CsvOptions(",", "\"", "\"", "UTF-8"));
    } catch (Exception e) {
      // Spark's AnalysisException (no such path, not a CSV) is checked in Java's eyes but thrown all the same.
      if (e instanceof org.apache.spark.sql.AnalysisException) {
        throw CatalogErrors.badFeedbackFile(input, "it cannot be read: " + e.getMessage(), REQUIRED, OPTIONAL);
      }
      throw e;
    }
    List<String> columns = SourceFiles.dataColumns(raw);
    for (String c : REQUIRED) {
      if (!columns.contains(c)) {
        throw CatalogErrors.badFeedbackFile(input, "its header " + columns + " has no column '" + c + "'", REQUIRED,
            OPTIONAL);
      }
    }
    for (String c : OPTIONAL) {
      if (!columns.contains(c)) {
        raw = raw.withColumn(c, lit(null).cast(DataTypes.StringType));
      }
    }
    return raw;
  }

  private FeedbackResult attempt(Dataset<Row> raw, String runId, Timestamp now, long started) {
    long productsVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.products()));
    Dataset<Row> products = spark.read().format("delta").option("versionAsOf", productsVersion).load(lake.products())
        .select(col("product_id").as("_pid"), col("label").as("_catalogue_label"));
    Column id = blankToNull(col("product_id"));
    Column label = blankToNull(col("label"));
    WindowSpec sameId = Window.partitionBy(col("_id"))
        .orderBy(col(SourceColumns.SOURCE_FILE).desc(), col(SourceColumns.SOURCE_ROW).desc());
    Set<String> allowed = config.ingest().labels();
    Dataset<Row> rows = raw
        .withColumn("_id", id).withColumn("_label", label)
        .withColumn("_reviewer", blankToNull(col("reviewer"))).withColumn("_note", blankToNull(col("note")))
        .withColumn("_dup_rank", row_number().over(sameId))
        .withColumn("_last_row", first(SourceColumns.SOURCE_ROW).over(sameId));
    rows = rows.join(products, rows.col("_id").equalTo(products.col("_pid")), "left");
    Column reason = when(col(SourceColumns.MALFORMED).isNotNull(), lit("malformed_record"))
        .when(col("_id").isNull(), lit("missing_id"))
        .when(col("_label").isNull(), lit("missing_label"))
        .when(col("_dup_rank").gt(1), lit("duplicate_id"))
        .when(col("_pid").isNull(), lit("unknown_product"));
    if (!allowed.isEmpty()) {
      reason = reason.when(not(col("_label").isin(allowed.toArray())), lit("unknown_label"));
    }
    Dataset<Row> checked = rows.withColumn(REASON, reason).persist(StorageLevel.MEMORY_AND_DISK());
    try {
      long rowsIn = checked.count();
      Dataset<Row> valid = checked.where(col(REASON).isNull()).select(
          col("_id").as("product_id"), col("_label").as("label"), col("_catalogue_label").as("catalogue_label"),
          col("_reviewer").as("reviewer"), col("_note").as("note"), col(SourceColumns.SOURCE_FILE).as("source_file"),
          col(SourceColumns.SOURCE_ROW).as("source_row"), lit(runId).as("feedback_run_id"),
          lit(now).as("received_at"));
      DeltaTable feedback = DeltaTables.createIfNotExists(spark, lake.feedback(), FeedbackTables.FEEDBACK, Map.of());
      Dataset<Row> stored = feedback.toDF().select(col("product_id").as("_sid"), col("label").as("_slabel"),
          col("reviewer").as("_sreviewer"), col("note").as("_snote"));
      Dataset<Row> compared = valid.join(stored, valid.col("product_id").equalTo(stored.col("_sid")), "left");
      Column same = col("label").equalTo(col("_slabel")).and(col("reviewer").eqNullSafe(col("_sreviewer")))
          .and(col("note").eqNullSafe(col("_snote")));
      Dataset<Row> changed = compared.where(col("_sid").isNull().or(not(same)));
      long validRows = valid.count();
      long inserted = changed.where(col("_sid").isNull()).count();
      long updated = changed.where(col("_sid").isNotNull()).count();
      Dataset<Row> upserts = changed.select(FeedbackTables.FEEDBACK.fieldNames()[0],
          java.util.Arrays.copyOfRange(FeedbackTables.FEEDBACK.fieldNames(), 1, FeedbackTables.FEEDBACK.size()));
      DeltaTables.Commit commit = DeltaTables.mergeAndVerify(feedback, lake.names().feedback(),
          feedback.as("t").merge(upserts.as("s"), "t.product_id = s.product_id").whenMatched().updateAll()
              .whenNotMatched().insertAll(), DeltaTables.Expected.exactly(inserted, updated, 0));

      Dataset<Row> rejected = checked.where(col(REASON).isNotNull());
      Map<String, Long> reasons = new TreeMap<>();
      rejected.groupBy(REASON).count().collectAsList().forEach(r -> reasons.put(r.getString(0), r.getLong(1)));
      long quarantined = reasons.values().stream().mapToLong(Long::longValue).sum();
      Long quarantineVersion = null;
      if (quarantined > 0) {
        DeltaTable quarantine = DeltaTables.createIfNotExists(spark, lake.feedbackQuarantine(),
            FeedbackTables.QUARANTINE, Map.of());
        // A row rejected before (same file, row, record and reason) is there already: a rerun adds nothing.
        quarantineVersion = DeltaTables.insertNew(quarantine, lake.names().feedbackQuarantine(),
            rejected.select(lit(runId).as("feedback_run_id"), lit(now).as("quarantined_at"),
                col(SourceColumns.SOURCE_FILE).as("source_file"), col(SourceColumns.SOURCE_ROW).as("source_row"),
                col("_id").as("product_id"), col(REASON).as("reason"), message(allowed).as("message"),
                col(SourceColumns.RAW_RECORD).as("raw_record")), ProductTables.QUARANTINE_KEY).version();
      } else if (DeltaTable.isDeltaTable(spark, lake.feedbackQuarantine())) {
        quarantineVersion = DeltaTables.version(DeltaTable.forPath(spark, lake.feedbackQuarantine()));
      }
      if (validRows + quarantined != rowsIn) {
        throw CatalogErrors.rowsLost(lake.names().feedback(), rowsIn, validRows + quarantined,
            validRows + " valid and " + quarantined + " quarantined of " + rowsIn + " rows read");
      }
      LOG.info("feedback {}: {} rows: {} new, {} changed, {} unchanged, {} quarantined {}", runId, rowsIn, inserted,
          updated, validRows - inserted - updated, quarantined, reasons);
      return new FeedbackResult(JOB, runId, input, rowsIn, inserted, updated, validRows - inserted - updated,
          quarantined, Map.copyOf(reasons), commit.version(), quarantineVersion, productsVersion,
          (System.nanoTime() - started) / 1e9);
    } finally {
      checked.unpersist();
    }
  }

  private static Column message(Set<String> allowed) {
    Column reason = col(REASON);
    return when(reason.equalTo("malformed_record"), coalesce(col(SourceColumns.MALFORMED), lit("malformed")))
        .when(reason.equalTo("missing_id"), lit("product_id is empty; every correction names the product it corrects"))
        .when(reason.equalTo("missing_label"), lit("label is empty; a correction gives the product's correct label"))
        .when(reason.equalTo("duplicate_id"), format_string("product id '%s' is corrected again later in this file "
            + "(row %d); the last correction wins", col("_id"), col("_last_row")))
        .when(reason.equalTo("unknown_product"), format_string("product '%s' is not in bronze.products; check the id,"
            + " or ingest the product first", col("_id")))
        .otherwise(format_string("label '%s' is not in ingest.labels (%s); fix the label or add it to the allowed set",
            col("_label"), lit(String.join(", ", new java.util.TreeSet<>(allowed)))));
  }

  private static Column blankToNull(Column c) {
    Column t = trim(c);
    return when(t.equalTo(""), lit(null).cast(DataTypes.StringType)).otherwise(t);
  }
}
