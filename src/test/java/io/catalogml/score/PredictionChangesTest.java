package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.lake.DeltaTables;
import io.delta.tables.DeltaTable;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Changes of a predictions table read from its real change data feed: a table created empty (version 0),
 * a first night (1), a second night that relabels, rescores, removes and adds (2) and corrects one
 * product's label without rescoring it (not a change of prediction), a night that writes nothing.
 */
class PredictionChangesTest extends SparkTestBase {
  static final StructType SCHEMA = new StructType()
      .add("product_id", DataTypes.StringType, false)
      .add("predicted_label", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("label", DataTypes.StringType)
      .add("score_run_id", DataTypes.StringType, false);

  @TempDir
  static Path dir;
  static String table;

  @BeforeAll
  static void twoNights() {
    table = dir.resolve("predictions").toString();
    DeltaTables.createIfNotExists(spark, table, SCHEMA, ScoreTables.PROPERTIES);
    merge(List.of(row("p1", "Shirts", 0.9, "Shirts", "n1"), row("p2", "Watches", 0.6, "Watches", "n1"),
        row("p3", "Shirts", 0.7, null, "n1"), row("p4", "Jeans", 0.8, "Jeans", "n1")), List.of());
    // p4: the first night's prediction with a corrected label, not a change of prediction.
    merge(List.of(row("p1", "Tshirts", 0.55, "Shirts", "n2"), row("p2", "Watches", 0.95, "Watches", "n2"),
        row("p5", "Jeans", 0.4, "Jeans", "n2"), row("p4", "Jeans", 0.8, "Shirts", "n1")), List.of("p3"));
  }

  static Row row(String id, String predicted, double p, String label, String scoreRun) {
    return RowFactory.create(id, predicted, p, label, scoreRun);
  }

  /** One MERGE as the score job writes: upsert the scored rows, delete the given ids. */
  static void merge(List<Row> upserts, List<String> deletes) {
    List<Row> rows = new java.util.ArrayList<>(upserts);
    deletes.forEach(id -> rows.add(RowFactory.create(id, "-", 0.0, null, "-")));
    Dataset<Row> source = spark.createDataFrame(rows, SCHEMA)
        .withColumn("_delete", org.apache.spark.sql.functions.col("product_id").isin(deletes.toArray()));
    DeltaTable.forPath(spark, table).as("t").merge(source.as("s"), "t.product_id = s.product_id")
        .whenMatched("s._delete").delete()
        .whenMatched().updateAll()
        .whenNotMatched("NOT s._delete").insertAll()
        .execute();
  }

  static Map<String, Row> byProduct(Dataset<Row> changes) {
    Map<String, Row> out = new TreeMap<>();
    changes.collectAsList().forEach(r -> out.put(r.getString(0), r));
    return out;
  }

  @Test
  void theSecondNightRelabelsRescoresRemovesAndAdds() {
    Map<String, Row> changes = byProduct(PredictionChanges.between(spark, table, 1, 2));

    assertThat(changes).containsOnlyKeys("p1", "p2", "p3", "p5");
    Row p1 = changes.get("p1");
    assertThat(p1.<String>getAs("change")).isEqualTo(PredictionChanges.RELABELLED);
    assertThat(p1.<String>getAs("previous_label")).isEqualTo("Shirts");
    assertThat(p1.<String>getAs("predicted_label")).isEqualTo("Tshirts");
    assertThat(p1.<Double>getAs("previous_probability")).isEqualTo(0.9);
    assertThat(p1.<Double>getAs("probability")).isEqualTo(0.55);
    assertThat(p1.<Long>getAs("version")).isEqualTo(2L);
    assertThat(changes.get("p2").<String>getAs("change")).isEqualTo(PredictionChanges.RESCORED);
    Row p3 = changes.get("p3");
    assertThat(p3.<String>getAs("change")).isEqualTo(PredictionChanges.REMOVED);
    assertThat(p3.<String>getAs("previous_label")).isEqualTo("Shirts");
    assertThat(p3.<String>getAs("predicted_label")).isNull();
    Row p5 = changes.get("p5");
    assertThat(p5.<String>getAs("change")).isEqualTo(PredictionChanges.NEW);
    assertThat(p5.<String>getAs("previous_label")).isNull();
    assertThat(p5.<String>getAs("label")).isEqualTo("Jeans");
  }

  @Test
  void overBothNightsTheFirstStateIsEmptyAndAProductAddedThenRemovedIsNotListed() {
    Map<String, Row> changes = byProduct(PredictionChanges.between(spark, table, 0, 2));

    assertThat(changes).containsOnlyKeys("p1", "p2", "p4", "p5");
    assertThat(changes.values()).allSatisfy(r -> assertThat(r.<String>getAs("change")).isEqualTo("new"));
    assertThat(changes.get("p1").<String>getAs("predicted_label")).isEqualTo("Tshirts");
  }

  @Test
  void theLastWriteIsTheSecondNightAndEmptyRangesHaveNoChanges() {
    assertThat(byProduct(PredictionChanges.lastWrite(spark, table)))
        .isEqualTo(byProduct(PredictionChanges.between(spark, table, 1, 2)));
    assertThat(PredictionChanges.between(spark, table, 2, 2).count()).isZero();
    assertThat(PredictionChanges.between(spark, table, 0, 0).columns())
        .isEqualTo(PredictionChanges.between(spark, table, 1, 2).columns());
  }

  @Test
  void aScoreRunThatWroteNothingChangedNothing() {
    ScoreResult idle = scoreResult(0, 0, 2);
    ScoreResult second = scoreResult(3, 1, 2);

    assertThat(PredictionChanges.ofScore(spark, table, idle).count()).isZero();
    assertThat(byProduct(PredictionChanges.ofScore(spark, table, second))).containsOnlyKeys("p1", "p2", "p3", "p5");
  }

  @Test
  void byClassCountsWhatEachClassGainedAndLost() {
    Map<String, Row> classes = new TreeMap<>();
    PredictionChanges.byClass(PredictionChanges.between(spark, table, 1, 2)).collectAsList()
        .forEach(r -> classes.put(r.getString(0), r));

    // p1 Shirts -> Tshirts, p3 Shirts removed, p5 new Jeans; p2 rescored as Watches is no move
    assertThat(classes).containsOnlyKeys("Shirts", "Tshirts", "Jeans");
    assertThat(classes.get("Shirts").<Long>getAs("lost")).isEqualTo(2L);
    assertThat(classes.get("Shirts").<Long>getAs("net")).isEqualTo(-2L);
    assertThat(classes.get("Tshirts").<Long>getAs("gained")).isEqualTo(1L);
    assertThat(classes.get("Jeans").<Long>getAs("net")).isEqualTo(1L);
    List<Row> ordered = PredictionChanges.byClass(PredictionChanges.between(spark, table, 1, 2)).collectAsList();
    assertThat(ordered.get(0).getString(0)).isEqualTo("Shirts");
  }

  private static ScoreResult scoreResult(long scored, long removed, long predictionsVersion) {
    return new ScoreResult("score", "r", false, "m", "m", "1", null, null, "dl4j", "text", 4, scored, 0, removed, 0,
        0, Map.of(), 0, 0, 0, 0, null, predictionsVersion, 0, 0, 0, 0, 0, null, 0, 0);
  }
}
