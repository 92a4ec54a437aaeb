package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.lake.Lake;
import io.catalogml.model.Dl4jClassifier;
import io.catalogml.model.ModelFeatures;
import io.catalogml.model.ModelPackage;
import io.catalogml.preprocess.FeatureRows;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fusion package committed under {@code src/test/resources/models/} (made by this version,
 * {@link ModelFixtureGenerator}): a later change that cannot read today's champion, or scores it
 * differently, fails here. Also the DL4J paths of the score job: features computed from bronze
 * with the package's own pipeline, a broken image scored through the text path, a product with
 * neither usable text nor image quarantined, the network restored once per JVM.
 */
class CommittedModelTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static ScoreResult first;

  @BeforeAll
  static void scoreTheSample() {
    config = ScoreFixtures.ingestedSample(spark, dir);
    first = ScoreFixtures.score(spark, config, ScoreFixtures.FUSION_PACKAGE.toString(), false);
  }

  @Test
  void theCommittedPackageScoresTheSampleAsItDidWhenItWasMade() throws Exception {
    Map<String, String[]> expected = new HashMap<>();
    List<String> lines = Files.readAllLines(ScoreFixtures.FUSION_PREDICTIONS);
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split(",");
      expected.put(f[0], f);
    }
    Map<String, Row> actual = Fixtures.byKey(spark, Lake.of(config).predictions(), "product_id");
    assertThat(actual).hasSize(expected.size()).hasSize(1000);
    for (Map.Entry<String, String[]> e : expected.entrySet()) {
      Row r = actual.get(e.getKey());
      assertThat(r).as("prediction of %s", e.getKey()).isNotNull();
      assertThat(r.<String>getAs("predicted_label")).as("label of %s", e.getKey()).isEqualTo(e.getValue()[1]);
      assertThat(r.<Double>getAs("probability")).isCloseTo(Double.parseDouble(e.getValue()[2]), within(1e-5));
    }
  }

  @Test
  void withoutSilverEveryProductIsFeaturisedFromBronzeWithThePackagesPipeline() {
    assertThat(first.products()).isEqualTo(1000);
    assertThat(first.scored()).isEqualTo(1000);
    assertThat(first.featurisedFromBronze()).isEqualTo(1000);
    assertThat(first.fromSilver()).isZero();
    assertThat(first.featuresVersion()).isNull();
    assertThat(first.modelType()).isEqualTo("dl4j");
    assertThat(first.modelVersion()).isNull();
    assertThat(first.networkLoads()).isEqualTo(1);
    Row any = spark.read().format("delta").load(Lake.of(config).predictions()).where("product_id = '10041'").head();
    assertThat(any.<String>getAs("text_pipeline_id"))
        .isEqualTo(ModelPackage.read(ScoreFixtures.FUSION_PACKAGE).spec().textPipelineId());
    assertThat(any.<String>getAs("features_source")).isEqualTo("bronze");
    assertThat(any.<Boolean>getAs("image_used")).isTrue();
  }

  @Test
  void thePackagesPipelineReadsBackWithItsIdAndItsOwnTokens() {
    ModelPackage pkg = ModelPackage.read(ScoreFixtures.FUSION_PACKAGE);
    // Fitted before preprocess.text.keep-hyphenated: its JSON lacks the setting, which reads back as off, the id the
    // package recorded stays, and a T-shirt reads as it did when the package was trained.
    assertThat(pkg.textPipeline().id()).isEqualTo(pkg.spec().textPipelineId());
    assertThat(pkg.textPipeline().settings().keepHyphenated()).isFalse();
    assertThat(pkg.textPipeline().titleWords("Nike Men Grey T-shirt")[0]).as("nike men grey shirt").isEqualTo(4);
  }

  @Test
  void theNetworkIsRestoredOncePerJvmNotOncePerPartition() {
    ModelPackage pkg = ModelPackage.read(ScoreFixtures.FUSION_PACKAGE);
    Dl4jClassifier classifier = (Dl4jClassifier) pkg.classifier(spark, 16);
    Lake lake = Lake.of(config);
    Dataset<Row> products = FeatureRows.products(spark, lake, 1, config.preprocess()).limit(200);
    Dataset<Row> features = ModelFeatures.of(products, null, pkg, 1, "t", new Timestamp(0)).repartition(6);
    assertThat(features.rdd().getNumPartitions()).isEqualTo(6);
    assertThat(classifier.withProbabilities(features).count()).isEqualTo(200);
    assertThat(classifier.withProbabilities(features).count()).isEqualTo(200);
    assertThat(classifier.networkLoads()).as("12 partitions in two jobs, one JVM").isEqualTo(1);
  }

  @Test
  void aBrokenImageIsScoredThroughTheTextPathAndAProductWithNeitherIsQuarantined(@TempDir Path other)
      throws Exception {
    Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), other.resolve("drop"));
    Path styles = drop.resolve("styles.csv");
    String csv = Files.readString(styles);
    String row = csv.lines().filter(l -> l.startsWith("10154,")).findFirst().orElseThrow();
    String[] f = row.split(",", -1);
    f[9] = "Qwzx Vbnm";
    Files.writeString(styles, csv.replace(row, String.join(",", f)));
    CatalogConfig c = io.catalogml.train.TrainFixtures.config(other, drop);
    new io.catalogml.ingest.IngestStage(spark, c).execute();
    // Both images pass ingest's header check, then break: valid JPEG start, garbage after.
    for (String id : List.of("10041", "10154")) {
      Path image = drop.resolve("images/" + id + ".jpg");
      byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(image), 200);
      Files.write(image, head);
    }
    ScoreResult r = ScoreFixtures.score(spark, c, ScoreFixtures.FUSION_PACKAGE.toString(), false);
    assertThat(r.scored()).isEqualTo(999);
    assertThat(r.quarantined()).isEqualTo(1);
    assertThat(r.quarantineReasons()).containsEntry("no_usable_input", 1L);
    assertThat(r.textOnly()).isEqualTo(1);
    Row textPath = spark.read().format("delta").load(Lake.of(c).predictions()).where("product_id = '10041'").head();
    assertThat(textPath.<Boolean>getAs("image_used")).isFalse();
    Row q = spark.read().format("delta").load(Lake.of(c).scoreQuarantine()).head();
    assertThat(q.<String>getAs("product_id")).isEqualTo("10154");
    assertThat(q.<String>getAs("message")).contains("vocabulary").contains("image is unusable");
    assertThat(spark.read().format("delta").load(Lake.of(c).predictions()).where("product_id = '10154'").count())
        .isZero();

    ScoreResult again = ScoreFixtures.score(spark, c, ScoreFixtures.FUSION_PACKAGE.toString(), false);
    assertThat(again.unchanged()).as("the quarantined product is not retried for the same content").isEqualTo(1000);
    assertThat(again.quarantineVersion()).isEqualTo(r.quarantineVersion());
  }

  @Test
  void aPackageOfANewerFormatFailsWithAMessageThatSaysSo(@TempDir Path copy) throws Exception {
    Path pkg = Fixtures.copyTree(ScoreFixtures.FUSION_PACKAGE, copy.resolve("pkg"));
    Path card = pkg.resolve("model-card.json");
    Files.writeString(card, Files.readString(card).replace("catalog-ml/model/1", "catalog-ml/model/3"));
    assertThatThrownBy(() -> ScoreFixtures.score(spark, config, pkg.toString(), false))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("made by a newer catalog-ml")
        .extracting(e -> ((CatalogException) e).code()).isEqualTo("model.format-unsupported");
    assertThatThrownBy(() -> ScoreFixtures.score(spark, config, copy.resolve("nothing").toString(), false))
        .hasMessageContaining("there is no such folder");
  }
}
