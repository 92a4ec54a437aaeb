package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.evaluate.Evaluator;
import io.catalogml.lake.Lake;
import io.catalogml.model.BlendedClassifier;
import io.catalogml.model.Classifier;
import io.catalogml.model.LogRegClassifier;
import io.catalogml.model.ModelFeatures;
import io.catalogml.model.ModelPackage;
import io.catalogml.model.Predictor;
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
 * A network blended with the baseline ({@code train.blend-baseline}): the committed fusion
 * package's network and a baseline fitted here on the sample, combined in memory, written as a
 * blended package, read back and scored by the score job.
 */
class BlendedPackageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig config;
  static ModelPackage fusion;
  static Dataset<Row> features;
  static Classifier network;
  static LogRegClassifier baseline;

  @BeforeAll
  static void fitABaselineBesideTheCommittedNetwork() {
    config = ScoreFixtures.ingestedSample(spark, dir);
    fusion = ModelPackage.read(ScoreFixtures.FUSION_PACKAGE);
    Dataset<Row> products = FeatureRows.products(spark, Lake.of(config), 1, config.preprocess());
    features = ModelFeatures.of(products, null, fusion, 1, "t", new Timestamp(0)).cache();
    network = fusion.classifier(spark, 64);
    Dataset<Row> known = features.where(org.apache.spark.sql.functions.col("label")
        .isin(fusion.labels().labels().toArray()));
    baseline = LogRegClassifier.fit(known, fusion.labels(), fusion.textPipeline().size(), config.train());
  }

  private static Map<String, float[]> probabilities(Classifier classifier) {
    Map<String, float[]> byId = new HashMap<>();
    classifier.predict(features).collect().forEach(p -> byId.put(p.productId(), p.probabilities()));
    return byId;
  }

  @Test
  void eachProductGetsTheNormalisedWeightedGeometricMeanOfBothModels() {
    Map<String, float[]> net = probabilities(network);
    Map<String, float[]> base = probabilities(baseline);
    Map<String, float[]> blended = probabilities(new BlendedClassifier(network, baseline, 0.3));
    assertThat(blended).hasSize(1000).containsOnlyKeys(net.keySet());
    int disagreements = 0;
    for (String id : net.keySet()) {
      float[] a = net.get(id);
      float[] b = base.get(id);
      double[] expected = new double[a.length];
      double sum = 0;
      for (int c = 0; c < a.length; c++) {
        expected[c] = Math.pow(Math.max(1e-30, a[c]), 0.7) * Math.pow(Math.max(1e-30, b[c]), 0.3);
        sum += expected[c];
      }
      float[] p = blended.get(id);
      double total = 0;
      for (int c = 0; c < a.length; c++) {
        assertThat((double) p[c]).as("product %s class %d", id, c).isCloseTo(expected[c] / sum, within(1e-6));
        total += p[c];
      }
      assertThat(total).isCloseTo(1.0, within(1e-5));
      disagreements += argmax(a) != argmax(b) ? 1 : 0;
    }
    assertThat(disagreements).as("the two models disagree on some products, so the blend is not either one")
        .isGreaterThan(0);
  }

  @Test
  void weightZeroIsTheNetworkAndWeightOneIsTheBaseline() {
    Map<String, float[]> net = probabilities(network);
    Map<String, float[]> base = probabilities(baseline);
    Map<String, float[]> zero = probabilities(new BlendedClassifier(network, baseline, 0));
    Map<String, float[]> one = probabilities(new BlendedClassifier(network, baseline, 1));
    for (String id : net.keySet()) {
      int n = argmax(net.get(id));
      int b = argmax(base.get(id));
      assertThat(argmax(zero.get(id))).isEqualTo(n);
      assertThat(argmax(one.get(id))).isEqualTo(b);
      assertThat((double) zero.get(id)[n]).isCloseTo(net.get(id)[n], within(1e-5));
      assertThat((double) one.get(id)[b]).isCloseTo(base.get(id)[b], within(1e-5));
    }
  }

  @Test
  void theOnePassEvaluationOfManyWeightsEqualsEvaluatingEachBlend() {
    double[] weights = {0.0, 0.5, 1.0};
    List<ClassificationReport> reports = Evaluator.evaluateBlends(network, baseline, features, weights);
    assertThat(reports).hasSize(3);
    for (int k = 0; k < weights.length; k++) {
      ClassificationReport each = Evaluator.evaluate(new BlendedClassifier(network, baseline, weights[k]), features);
      assertThat(reports.get(k).weightedF1()).as("weight %s", weights[k]).isEqualTo(each.weightedF1());
      assertThat(reports.get(k).confusionMatrix()).isEqualTo(each.confusionMatrix());
    }
    assertThat(reports.get(0).weightedF1()).isEqualTo(Evaluator.evaluate(network, features).weightedF1());
  }

  @Test
  void aBlendedPackageReadsBackAsTheSameModelAndTheScoreJobUsesIt(@TempDir Path out) {
    Path folder = out.resolve("blended");
    ModelPackage written = ModelPackage.writeBlended(folder, fusion.network(), baseline, 0.4, fusion.card(),
        fusion.labels(), fusion.spec(), fusion.textPipeline());
    ModelPackage read = ModelPackage.read(folder);
    assertThat(read.card().format()).isEqualTo(ModelPackage.BLENDED_FORMAT);
    assertThat(read.blend()).isEqualTo(written.blend());
    assertThat(read.blend().baselineWeight()).isEqualTo(0.4);
    Classifier loaded = read.classifier(spark, 32);
    assertThat(loaded).isInstanceOf(BlendedClassifier.class);
    Map<String, float[]> expected = probabilities(new BlendedClassifier(network, baseline, 0.4));
    Map<String, float[]> again = probabilities(loaded);
    for (String id : expected.keySet()) {
      assertThat(again.get(id)).as(id).containsExactly(expected.get(id), within(1e-6f));
    }

    ScoreResult scored = ScoreFixtures.score(spark, config, folder.toString(), true);
    assertThat(scored.scored()).isEqualTo(1000);
    assertThat(scored.networkLoads()).as("the blend's network is restored once in this JVM").isEqualTo(1);
    Map<String, Row> predictions = Fixtures.byKey(spark, Lake.of(config).predictions(), "product_id");
    for (String id : List.of("10041", "10154", "10000")) {
      if (!predictions.containsKey(id)) {
        continue;
      }
      float[] p = expected.get(id);
      Row r = predictions.get(id);
      assertThat(r.<String>getAs("predicted_label")).isEqualTo(fusion.labels().label(argmax(p)));
      assertThat(r.<Double>getAs("probability")).isCloseTo(p[argmax(p)], within(1e-5));
    }
  }

  @Test
  void aBlendedPackageWithoutItsBaselineOrWithAnUnknownRuleIsRefused(@TempDir Path out) throws Exception {
    Path folder = out.resolve("blended");
    ModelPackage.writeBlended(folder, fusion.network(), baseline, 0.5, fusion.card(), fusion.labels(), fusion.spec(),
        fusion.textPipeline());
    Path broken = Fixtures.copyTree(folder, out.resolve("no-baseline"));
    try (var walk = Files.walk(broken.resolve("mllib"))) {
      for (Path p : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
    assertThatThrownBy(() -> ModelPackage.read(broken))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("blended package")
        .extracting(e -> ((CatalogException) e).code()).isEqualTo("model.not-a-package");
    Path rule = Fixtures.copyTree(folder, out.resolve("rule"));
    Files.writeString(rule.resolve("blend.json"), "{\"baselineWeight\": 0.5, \"rule\": \"stacking\"}");
    assertThatThrownBy(() -> ModelPackage.read(rule))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("rule 'stacking'");
    assertThatThrownBy(() -> new BlendedClassifier(network, baseline, 1.5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }
}
