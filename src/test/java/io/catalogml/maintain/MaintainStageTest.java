package io.catalogml.maintain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.score.ScoreTables;
import io.delta.tables.DeltaTable;
import java.io.FileNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Table upkeep on real local Spark and Delta: 12 nights of small MERGEs into {@code gold.predictions}
 * (rows of the score job's schema), then maintain. Twelve nights pass Delta's checkpoint at version 10
 * and leave more small files than maintain needs to compact; each night is a MERGE of several seconds in
 * CI, so a month of them is not worth its time. Time passes for real: the retention is 15 seconds (with
 * Delta's safety check turned off, as a user must to go under 7 days), and maintain starts no sooner than
 * 16 seconds after night 8, the last night that replaced files: so the files nights 2 to 8 replaced left
 * the table longer ago than the retention when maintain vacuums, and the ones its own compaction
 * replaces did not.
 */
class MaintainStageTest extends SparkTestBase {
  static final int PRODUCTS = 120;
  static final int NIGHTS = 12;
  static final int LAST_REPLACING_NIGHT = 8;
  static final String RETENTION = "15 seconds";
  static final long RETENTION_MS = 15_000;

  @BeforeAll
  static void allowShortRetention() {
    spark.conf().set(Retention.CHECK, "false");
  }

  @AfterAll
  static void restoreCheck() {
    if (spark != null) {
      spark.conf().unset(Retention.CHECK);
    }
  }

  @Test
  void twelveNightsOfMergesThenMaintainCompactsVacuumsAndKeepsTimeTravelInsideTheRetention(@TempDir Path dir)
      throws Exception {
    CatalogConfig config = config(dir.resolve("lake"), List.of(), "maintain.retention=" + RETENTION);
    Lake lake = Lake.of(config);
    String predictions = lake.predictions();
    DeltaTable table = DeltaTables.createIfNotExists(spark, predictions, ScoreTables.PREDICTIONS,
        ScoreTables.PROPERTIES);
    long t0 = System.nanoTime();
    long lastReplacement = 0;
    for (int night = 1; night <= NIGHTS; night++) {
      night(table, night);
      if (night == LAST_REPLACING_NIGHT) {
        lastReplacement = System.currentTimeMillis();
      }
    }
    System.out.printf("%d nights of MERGEs in %.1f s%n", NIGHTS, (System.nanoTime() - t0) / 1e9);
    assertThat(DeltaTables.version(table)).isEqualTo(NIGHTS);
    Map<Long, List<Row>> inside = new TreeMap<>();
    for (long v : new long[] {LAST_REPLACING_NIGHT, NIGHTS}) {
      inside.put(v, contents(predictions, v));
    }

    MaintainPlan plan = new MaintainStage(spark, config).plan();
    MaintainPlan.TablePlan p = plan.tables().get("gold.predictions");
    assertThat(p.version()).as("a dry run writes nothing").isEqualTo(DeltaTables.version(table));
    assertThat(p.wouldCompact()).isEqualTo(p.now().snapshotFiles()).isGreaterThan(NIGHTS / 2);
    assertThat(p.wouldSetRetention()).containsEntry(Retention.FILES, "interval 15 seconds");
    assertThat(p.retention()).as("Delta's default until maintain sets it").isEqualTo("interval 1 week");
    assertThat(p.wouldVacuum()).as("nothing is a week old").isZero();

    // Night 8 replaced the last files of the versions before it; wait until that is longer ago than the retention.
    Thread.sleep(Math.max(0, lastReplacement + RETENTION_MS + 1000 - System.currentTimeMillis()));
    MaintainResult r = new MaintainStage(spark, config).execute();
    System.out.println(NIGHTS + " nights of MERGEs into gold.predictions, then maintain (retention " + RETENTION + "):\n"
        + r.toMarkdown());

    assertThat(r.tables()).containsOnlyKeys("gold.predictions");
    Set<String> others = new TreeSet<>(lake.tables().keySet());
    others.remove("gold.predictions");
    assertThat(r.skipped()).containsOnlyKeys(others);
    assertThat(r.skipped().get("bronze.products")).startsWith("no Delta table at ").endsWith(" yet");
    TableUpkeep u = r.tables().get("gold.predictions");
    assertThat(u.after().snapshotFiles()).isEqualTo(1).isLessThan(u.before().snapshotFiles());
    assertThat(u.after().snapshotBytes()).isLessThan(u.before().snapshotBytes());
    assertThat(u.filesCompacted()).isEqualTo(u.before().snapshotFiles());
    assertThat(u.after().storedFiles()).isLessThan(u.before().storedFiles());
    assertThat(u.after().storedBytes()).isLessThan(u.before().storedBytes());
    assertThat(u.filesVacuumed()).isPositive();
    assertThat(u.before().storedFiles() + u.filesWritten() - u.filesVacuumed()).as("files accounted for")
        .isEqualTo(u.after().storedFiles());
    assertThat(u.retention()).isEqualTo("interval 15 seconds");
    assertThat(u.retentionBefore()).isEqualTo("interval 1 week");

    assertThat(contents(predictions, null)).as("readers see the same rows").isEqualTo(inside.get((long) NIGHTS));
    inside.forEach((v, rows) -> assertThat(contents(predictions, v))
        .as("version %d by time travel: its files left the table with the compaction, inside the retention", v)
        .isEqualTo(rows));
    for (long night : new long[] {4, LAST_REPLACING_NIGHT - 1}) {
      assertThatThrownBy(() -> contents(predictions, night))
          .as("night %d: its replaced files left the table more than %s ago", night, RETENTION)
          .satisfies(e -> assertThat(causes(e)).anyMatch(c -> c instanceof FileNotFoundException
              || String.valueOf(c.getMessage()).contains("FILE_NOT_EXIST")));
    }

    List<Row> recorded = spark.read().format("delta").load(lake.maintenance()).collectAsList();
    assertThat(recorded).hasSize(1);
    Row row = recorded.get(0);
    assertThat(row.<String>getAs("table_name")).isEqualTo("gold.predictions");
    assertThat(row.<String>getAs("maintain_run_id")).isEqualTo(r.runId());
    assertThat(row.<Long>getAs("stored_files_after")).isEqualTo(u.after().storedFiles());
    assertThat(row.<Long>getAs("files_vacuumed")).isEqualTo(u.filesVacuumed());
    assertThat(r.maintenanceVersion()).isEqualTo(DeltaTables.version(DeltaTable.forPath(spark, lake.maintenance())));
  }

  @Test
  void aLakeWithoutTablesSkipsEveryOneAndRecordsNothing(@TempDir Path dir) {
    CatalogConfig config = config(dir.resolve("lake"), List.of(), "maintain.retention=" + RETENTION);
    MaintainResult r = new MaintainStage(spark, config).execute();
    assertThat(r.tables()).isEmpty();
    assertThat(r.skipped()).containsOnlyKeys(Lake.of(config).tables().keySet()).hasSize(11);
    assertThat(r.maintenanceVersion()).isNull();
    assertThat(r.before()).isEqualTo(Footprint.NONE);
    assertThat(dir.resolve("lake")).doesNotExist();
  }

  @Test
  void aRetentionUnderSevenDaysIsRefusedWhileDeltasCheckIsOn(@TempDir Path dir) {
    CatalogConfig config = config(dir.resolve("lake"), List.of(), "maintain.retention=6d");
    spark.conf().unset(Retention.CHECK);
    try {
      assertThatThrownBy(() -> new MaintainStage(spark, config).execute())
          .isInstanceOfSatisfying(CatalogException.class, e -> {
            assertThat(e.code()).isEqualTo("maintain.retention-too-short");
            assertThat(e.exitCode()).isEqualTo(CatalogErrors.USAGE);
          })
          .hasMessageContaining("maintain.retention = interval 6 days is shorter than interval 7 days")
          .hasMessageContaining("spark.databricks.delta.retentionDurationCheck.enabled\" = \"false\"");
      assertThat(new MaintainStage(spark, config(dir.resolve("lake"), List.of(), "maintain.retention=7d"))
          .execute().tables()).isEmpty();
    } finally {
      spark.conf().set(Retention.CHECK, "false");
    }
    assertThat(Files.exists(dir.resolve("lake"))).isFalse();
  }

  @Test
  void maintainTablesNamesTablesOfTheLakeOnly(@TempDir Path dir) {
    assertThatThrownBy(() -> config(dir.resolve("lake"), List.of(), "maintain.tables=[\"gold.predictions\", \"gold.nope\"]"))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("config.bad-value"))
        .hasMessageContaining("a list of the lake's tables (tables.*): bronze.products, bronze.quarantine");
    MaintainResult r = new MaintainStage(spark, config(dir.resolve("lake"), List.of(),
        "maintain.tables=[\"gold.predictions\"]", "maintain.retention=" + RETENTION)).execute();
    assertThat(r.skipped().get("bronze.products")).isEqualTo("not in maintain.tables");
    assertThat(r.skipped().get("gold.predictions")).startsWith("no Delta table at ");
  }

  /**
   * Night {@code n} (version {@code n}): night 1 scores the first 120 products; every night 3 new products
   * arrive; every third night up to night 8 (2, 5, 8) 2 of the first 120 are rescored too, which rewrites
   * the file holding them. So the snapshot gains a small file most nights and older versions pile up on
   * storage; after night 8 no file leaves the table until maintain compacts it.
   */
  static void night(DeltaTable table, int n) {
    List<Row> rows = new ArrayList<>();
    Timestamp at = new Timestamp(System.currentTimeMillis());
    if (n == 1) {
      for (int i = 0; i < PRODUCTS; i++) {
        rows.add(prediction(i, n, at));
      }
    } else {
      int rescored = n % 3 == 2 && n <= LAST_REPLACING_NIGHT ? 2 : 0;
      for (int j = 0; j < rescored; j++) {
        rows.add(prediction((n * 37 + j * 29) % PRODUCTS, n, at));
      }
      for (int j = 0; j < 3; j++) {
        rows.add(prediction(PRODUCTS + (n - 2) * 3 + j, n, at));
      }
    }
    Dataset<Row> scored = spark.createDataFrame(rows, ScoreTables.PREDICTIONS);
    table.as("t").merge(scored.as("s"), "t.product_id = s.product_id").whenMatched().updateAll().whenNotMatched()
        .insertAll().execute();
  }

  static Row prediction(int product, int night, Timestamp at) {
    String[] labels = {"Tshirts", "Watches", "Shirts", "Casual Shoes"};
    String label = labels[(product + night) % labels.length];
    double p = 0.5 + ((product * 7 + night) % 50) / 100.0;
    return RowFactory.create(String.format("p%05d", product), label, p,
        List.of(label, labels[(product + night + 1) % labels.length]), List.of(p, 1 - p),
        labels[product % labels.length], label.equals(labels[product % labels.length]), true, "silver",
        "product-type", "1", "champion", "run-1", "pipeline-1", "hash-" + product, (long) night, (long) night,
        "score-night-" + night, at, "catalogue");
  }

  /** The table's rows (at {@code version}, or now), in product order. */
  static List<Row> contents(String location, Long version) {
    var reader = spark.read().format("delta");
    if (version != null) {
      reader = reader.option("versionAsOf", version);
    }
    return reader.load(location).orderBy("product_id").collectAsList();
  }

  static List<Throwable> causes(Throwable e) {
    List<Throwable> all = new ArrayList<>();
    for (Throwable t = e; t != null && !all.contains(t); t = t.getCause()) {
      all.add(t);
    }
    return all;
  }
}
