package io.catalogml.feedback;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.PreprocessResult;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.train.TrainFixtures;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Corrections on the preprocessed fashion sample (local[2], real Delta tables): every row of the file
 * ends in gold.feedback or its quarantine with a reason, a rerun changes nothing (in either table), and the next
 * preprocess gives the corrected products their corrected label without recomputing their features.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FeedbackStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static Map<String, String> labels;
  static List<String> ids;
  static Path file;
  static FeedbackResult first;

  @BeforeAll
  static void preprocessedSampleAndCorrections() {
    CatalogConfig ingested = TrainFixtures.preprocessedSample(spark, dir, "model.type=mllib-logreg");
    List<Row> products = spark.read().format("delta").load(Lake.of(ingested).products())
        .select("product_id", "label").orderBy("product_id").collectAsList();
    labels = products.stream().collect(Collectors.toMap(r -> r.getString(0), r -> r.getString(1)));
    ids = products.stream().map(r -> r.getString(0)).toList();
    String allowed = labels.values().stream().distinct().sorted().map(l -> "\"" + l + "\"")
        .collect(Collectors.joining(",", "[", "]"));
    config = TrainFixtures.config(dir, Path.of(ingested.source().input()), "model.type=mllib-logreg",
        "ingest.labels=" + allowed);
    file = Fixtures.write(dir.resolve("corrections.csv"), String.join("\n",
        "product_id,label,reviewer,note",
        ids.get(0) + "," + other(ids.get(0)) + ",ann,\"was wrong, clearly\"",
        ids.get(1) + "," + other(ids.get(1)) + ",,",
        ids.get(2) + ",Tshirts,bob,first try",
        ids.get(2) + "," + other(ids.get(2)) + ",bob,second try",
        "no-such-product,Tshirts,ann,",
        ids.get(3) + ",Spaceship,ann,",
        ",Tshirts,ann,",
        ids.get(4) + ", ,ann,") + "\n");
    first = new FeedbackStage(spark, config, file.toString()).execute();
  }

  /** A label of the sample other than the product's own. */
  static String other(String id) {
    return labels.get(id).equals("Watches") ? "Belts" : "Watches";
  }

  @Test
  @Order(1)
  void everyRowEndsInTheTableOrInQuarantineWithItsReason() {
    assertThat(first.rowsIn()).isEqualTo(8);
    assertThat(first.inserted()).isEqualTo(3);
    assertThat(first.quarantined()).isEqualTo(5);
    assertThat(first.quarantineReasons()).containsExactlyInAnyOrderEntriesOf(Map.of("duplicate_id", 1L,
        "unknown_product", 1L, "unknown_label", 1L, "missing_id", 1L, "missing_label", 1L));
    Lake lake = Lake.of(config);
    Map<String, Row> stored = Fixtures.byKey(spark, lake.feedback(), "product_id");
    assertThat(stored.keySet()).containsExactlyInAnyOrder(ids.get(0), ids.get(1), ids.get(2));
    assertThat(stored.get(ids.get(2)).<String>getAs("label")).as("the last correction wins").isEqualTo(other(ids.get(2)));
    assertThat(stored.get(ids.get(2)).<String>getAs("note")).isEqualTo("second try");
    assertThat(stored.get(ids.get(0)).<String>getAs("note")).isEqualTo("was wrong, clearly");
    assertThat(stored.get(ids.get(0)).<String>getAs("catalogue_label")).isEqualTo(labels.get(ids.get(0)));
    assertThat(stored.get(ids.get(1)).<String>getAs("reviewer")).isNull();
    List<Row> quarantine = spark.read().format("delta").load(lake.feedbackQuarantine()).collectAsList();
    assertThat(quarantine).hasSize(5).allSatisfy(r -> assertThat(r.<String>getAs("message")).isNotBlank());
    assertThat(quarantine.stream().filter(r -> r.getAs("reason").equals("duplicate_id")).findFirst().orElseThrow()
        .<Long>getAs("source_row")).isEqualTo(3L);
    assertThat(quarantine.stream().filter(r -> r.getAs("reason").equals("unknown_label")).findFirst().orElseThrow()
        .<String>getAs("message")).contains("'Spaceship' is not in ingest.labels");
  }

  @Test
  @Order(2)
  void theSameFileAgainChangesNothing() {
    FeedbackResult again = new FeedbackStage(spark, config, file.toString()).execute();
    assertThat(again.inserted() + again.updated()).isZero();
    assertThat(again.unchanged()).isEqualTo(3);
    assertThat(again.feedbackVersion()).isEqualTo(first.feedbackVersion());
    assertThat(again.quarantined()).as("rejected again, with the same reasons").isEqualTo(5);
    assertThat(again.quarantineReasons()).isEqualTo(first.quarantineReasons());
    assertThat(again.quarantineVersion()).as("no quarantine commit").isEqualTo(first.quarantineVersion());
    List<Row> quarantine = spark.read().format("delta").load(Lake.of(config).feedbackQuarantine()).collectAsList();
    assertThat(quarantine).as("each rejected row once, from the run that first rejected it").hasSize(5)
        .allSatisfy(r -> assertThat(r.<String>getAs("feedback_run_id")).isEqualTo(first.runId()));
  }

  @Test
  @Order(3)
  void theNextPreprocessUsesTheCorrectedLabelWithoutRecomputingFeatures() {
    Lake lake = Lake.of(config);
    Map<String, Row> before = Fixtures.byKey(spark, lake.features(), "product_id");
    PreprocessResult r = new PreprocessStage(spark, config, false).execute();
    assertThat(r.computed()).isZero();
    assertThat(r.relabelled()).isEqualTo(3);
    assertThat(r.correctedLabels()).isEqualTo(3);
    Map<String, Row> after = Fixtures.byKey(spark, lake.features(), "product_id");
    for (int i = 0; i < 3; i++) {
      String id = ids.get(i);
      assertThat(after.get(id).<String>getAs("label")).isEqualTo(other(id));
      assertThat(after.get(id).<String>getAs("preprocess_run_id")).as("not recomputed")
          .isEqualTo(before.get(id).getAs("preprocess_run_id"));
    }
    assertThat(after.get(ids.get(3)).<String>getAs("label")).isEqualTo(labels.get(ids.get(3)));
    assertThat(new PreprocessStage(spark, config, false).execute().relabelled()).as("and stays corrected").isZero();
  }

  @Test
  @Order(4)
  void aFileWithoutTheRequiredColumnsFailsBeforeAnyWrite() {
    Path bad = Fixtures.write(dir.resolve("bad.csv"), "id,correct_label\n" + ids.get(0) + ",Watches\n");
    assertThatThrownBy(() -> new FeedbackStage(spark, config, bad.toString()).execute())
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("input.bad-feedback-file"))
        .hasMessageContaining("has no column 'product_id'");
  }
}
