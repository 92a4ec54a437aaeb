package io.catalogml.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Json;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Metrics on a hand-computed example, merging, top-k, log loss and the renderings. */
class ClassificationReportTest {
  static final double EPS = 1e-12;
  static final List<String> LABELS = List.of("shirt", "shoe", "bag", "watch");

  /**
   * Seven products, four classes. "bag" has support 1 but is never predicted; "watch" has
   * support 0 but is predicted once.
   *
   * <pre>
   * row truth probabilities [shirt shoe bag watch]  predicted  rank of truth  p(truth)
   *  1  shirt [0.7  0.1  0.1  0.1 ]              shirt      0              0.7
   *  2  shirt [0.6  0.3  0.05 0.05]              shirt      0              0.6
   *  3  shirt [0.2  0.5  0.2  0.1 ]              shoe       1 (bag ties, higher index)  0.2
   *  4  shoe  [0.1  0.8  0.05 0.05]              shoe       0              0.8
   *  5  shoe  [0.4  0.4  0.1  0.1 ]              shirt (tie: lowest index)  1   0.4
   *  6  bag   [0.1  0.2  0.3  0.4 ]              watch      1              0.3
   *  7  shoe  [0.5  0.0  0.3  0.2 ]              shirt      3              0 → 1e-15
   * </pre>
   */
  static ClassificationReport handMade() {
    int[] truth = {0, 0, 0, 1, 1, 2, 1};
    float[][] probs = {
        {0.7f, 0.1f, 0.1f, 0.1f},
        {0.6f, 0.3f, 0.05f, 0.05f},
        {0.2f, 0.5f, 0.2f, 0.1f},
        {0.1f, 0.8f, 0.05f, 0.05f},
        {0.4f, 0.4f, 0.1f, 0.1f},
        {0.1f, 0.2f, 0.3f, 0.4f},
        {0.5f, 0.0f, 0.3f, 0.2f}};
    return ClassificationReport.of(LABELS, truth, probs);
  }

  @Test
  void handComputedMetrics() {
    ClassificationReport r = handMade();
    // confusion [truth][pred]: shirt 2,1,0,0; shoe 2,1,0,0; bag 0,0,0,1; watch 0,0,0,0
    assertThat(r.confusionMatrix()).isDeepEqualTo(new long[][] {
        {2, 1, 0, 0}, {2, 1, 0, 0}, {0, 0, 0, 1}, {0, 0, 0, 0}});
    assertThat(r.examples()).isEqualTo(7);
    assertThat(r.classes()).isEqualTo(4);
    // correct: rows 1, 2, 4 → 3/7
    assertThat(r.accuracy()).isCloseTo(3.0 / 7, within(EPS));

    // predicted per class: shirt 4, shoe 2, bag 0, watch 1; support 3, 3, 1, 0
    // shirt: P = 2/4, R = 2/3, F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = (2/3)/(7/6) = 4/7
    // shoe:  P = 1/2, R = 1/3, F1 = (1/3)/(5/6) = 2/5
    // bag:   never predicted → P = 0; R = 0/1 = 0; F1 = 0
    // watch: P = 0/1 = 0; support 0 → R = 0; F1 = 0
    assertClass(r.perClass().get(0), "shirt", 0.5, 2.0 / 3, 4.0 / 7, 3, 4);
    assertClass(r.perClass().get(1), "shoe", 0.5, 1.0 / 3, 2.0 / 5, 3, 2);
    assertClass(r.perClass().get(2), "bag", 0, 0, 0, 1, 0);
    assertClass(r.perClass().get(3), "watch", 0, 0, 0, 0, 1);

    // weighted by support 3/7, 3/7, 1/7 (watch has weight 0):
    // P = 0.5·3/7 + 0.5·3/7 + 0 = 3/7; R = (2/3)(3/7) + (1/3)(3/7) = 3/7 = accuracy
    // F1 = (4/7)(3/7) + (2/5)(3/7) = 12/49 + 6/35 = 102/245
    assertThat(r.weightedPrecision()).isCloseTo(3.0 / 7, within(EPS));
    assertThat(r.weightedRecall()).isCloseTo(3.0 / 7, within(EPS));
    assertThat(r.weightedF1()).isCloseTo(102.0 / 245, within(EPS));

    // macro over shirt, shoe, bag (support > 0); watch is left out:
    // P = (1/2 + 1/2 + 0)/3 = 1/3; R = (2/3 + 1/3 + 0)/3 = 1/3; F1 = (4/7 + 2/5 + 0)/3 = 34/105
    assertThat(r.macroPrecision()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.macroRecall()).isCloseTo(1.0 / 3, within(EPS));
    assertThat(r.macroF1()).isCloseTo(34.0 / 105, within(EPS));
  }

  @Test
  void topKAndLogLoss() {
    ClassificationReport r = handMade();
    // ranks 0, 0, 1, 0, 1, 1, 3: top-1 3/7, top-3 6/7; top-5 clipped to top-4 = 7/7
    assertThat(r.top1Accuracy()).isCloseTo(3.0 / 7, within(EPS)).isEqualTo(r.accuracy());
    assertThat(r.top3Accuracy()).isCloseTo(6.0 / 7, within(EPS));
    assertThat(r.top5Accuracy()).isEqualTo(1.0);

    // -(ln .7 + ln .6 + ln .2 + ln .8 + ln .4 + ln .3 + ln 1e-15)/7
    //  = (0.35667 + 0.51083 + 1.60944 + 0.22314 + 0.91629 + 1.20397 + 34.53878)/7 ≈ 5.62273
    // (the float probabilities differ from the decimals by < 1e-7)
    double expected = -(Math.log(0.7) + Math.log(0.6) + Math.log(0.2) + Math.log(0.8) + Math.log(0.4)
        + Math.log(0.3) + Math.log(1e-15)) / 7;
    assertThat(r.logLoss()).isCloseTo(expected, within(1e-6)).isCloseTo(5.62273, within(1e-5));
  }

  @Test
  void perfectPredictionsHaveZeroLogLossAndFullScores() {
    float[][] probs = {{1f, 0f}, {0f, 1f}};
    ClassificationReport r = ClassificationReport.of(List.of("a", "b"), new int[] {0, 1}, probs);
    assertThat(r.logLoss()).isEqualTo(0.0);
    assertThat(r.accuracy()).isEqualTo(1.0);
    assertThat(r.macroF1()).isEqualTo(1.0);
    assertThat(r.weightedF1()).isEqualTo(1.0);
    // two classes: top-3 and top-5 clip to top-2
    assertThat(r.top3Accuracy()).isEqualTo(1.0);
  }

  @Test
  void mergedAccumulatorsEqualOneOverAllRows() {
    Random random = new Random(7);
    int classes = 9;
    EvaluationAccumulator all = new EvaluationAccumulator(classes);
    List<EvaluationAccumulator> parts = List.of(
        new EvaluationAccumulator(classes), new EvaluationAccumulator(classes), new EvaluationAccumulator(classes));
    for (int i = 0; i < 1000; i++) {
      int truth = random.nextInt(classes);
      float[] p = RandomPredictions.probabilities(random, classes, truth, 0.6);
      all.add(truth, p);
      parts.get(random.nextInt(3)).add(truth, p);
    }
    EvaluationAccumulator merged = parts.get(2).merge(parts.get(0)).merge(parts.get(1));
    List<String> labels = RandomPredictions.labels(classes);
    ClassificationReport one = all.build(labels);
    ClassificationReport two = merged.build(labels);

    assertThat(merged.examples()).isEqualTo(1000);
    assertThat(two.confusionMatrix()).isDeepEqualTo(one.confusionMatrix());
    assertThat(two.perClass()).isEqualTo(one.perClass());
    assertThat(two.top3Accuracy()).isEqualTo(one.top3Accuracy());
    assertThat(two.top5Accuracy()).isEqualTo(one.top5Accuracy());
    assertThat(two.logLoss()).isCloseTo(one.logLoss(), within(1e-12));
    assertThat(two.weightedF1()).isEqualTo(one.weightedF1());
    assertThat(two.macroF1()).isEqualTo(one.macroF1());
  }

  @Test
  void accumulatorSurvivesJavaSerialisation() throws Exception {
    EvaluationAccumulator acc = new EvaluationAccumulator(3).add(0, new float[] {0.5f, 0.3f, 0.2f});
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(acc);
    }
    EvaluationAccumulator copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (EvaluationAccumulator) in.readObject();
    }
    copy.add(2, new float[] {0.5f, 0.3f, 0.2f});
    assertThat(copy.build(List.of("a", "b", "c")).confusionMatrix())
        .isDeepEqualTo(new long[][] {{1, 0, 0}, {0, 0, 0}, {1, 0, 0}});
  }

  @Test
  void rejectsBadInput() {
    EvaluationAccumulator acc = new EvaluationAccumulator(3);
    assertThatThrownBy(() -> acc.add(0, new float[] {0.5f, 0.5f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("expected 3 probabilities, got 2");
    assertThatThrownBy(() -> acc.add(3, new float[] {0.5f, 0.3f, 0.2f}))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("true class 3 is not in [0, 3)");
    assertThatThrownBy(() -> acc.add(1, new float[] {0.5f, Float.NaN, 0.2f}))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("evaluate.non-finite"))
        .hasMessageContaining("Training has diverged");
    assertThat(acc.examples()).isZero();
    assertThatThrownBy(() -> acc.build(List.of("a", "b", "c")))
        .isInstanceOfSatisfying(CatalogException.class, e -> assertThat(e.code()).isEqualTo("evaluate.empty"));
    assertThatThrownBy(() -> acc.build(List.of("a", "b")))
        .isInstanceOf(IllegalArgumentException.class).hasMessage("expected 3 labels, got 2");
    assertThatThrownBy(() -> acc.merge(new EvaluationAccumulator(4)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("cannot merge an evaluation of 4 classes into one of 3");
  }

  @Test
  void reportIsImmutable() {
    ClassificationReport r = handMade();
    r.confusionMatrix()[0][0] = 99;
    assertThat(r.confusionMatrix()[0][0]).isEqualTo(2);
    assertThatThrownBy(() -> r.perClass().clear()).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void jsonHasStableKeysAndRoundTrips() throws Exception {
    ClassificationReport r = handMade();
    String json = r.toJson();
    assertThat(json).doesNotContain("\n");
    JsonNode node = Json.mapper().readTree(json);
    List<String> keys = new ArrayList<>();
    node.fieldNames().forEachRemaining(keys::add);
    assertThat(keys).containsExactly("examples", "classes", "accuracy", "top1Accuracy", "top3Accuracy",
        "top5Accuracy", "logLoss", "weightedPrecision", "weightedRecall", "weightedF1", "macroPrecision",
        "macroRecall", "macroF1", "perClass", "confusionMatrix", "meanConfidence", "confidenceHistogram");
    long binned = 0;
    for (JsonNode n : node.get("confidenceHistogram")) {
      binned += n.asLong();
    }
    assertThat(binned).isEqualTo(r.examples());
    // top probabilities 0.7, 0.6, 0.5, 0.8, 0.4, 0.4, 0.5; two of them in the [0.40, 0.45) bin
    assertThat(node.get("meanConfidence").asDouble()).isCloseTo(3.9 / 7, org.assertj.core.data.Offset.offset(1e-6));
    assertThat(node.get("confidenceHistogram").get(8).asLong()).isEqualTo(2);
    List<String> classKeys = new ArrayList<>();
    node.get("perClass").get(0).fieldNames().forEachRemaining(classKeys::add);
    assertThat(classKeys).containsExactly("index", "label", "precision", "recall", "f1", "support", "predicted");
    assertThat(node.get("confusionMatrix").get(1).toString()).isEqualTo("[2,1,0,0]");
    assertThat(Json.mapper().readValue(json, ClassificationReport.class)).isEqualTo(r);
    assertThat(handMade().toJson()).isEqualTo(json);
  }

  @Test
  void markdownHasSummaryThenClassesBySupport() {
    String md = handMade().toMarkdown();
    assertThat(md).startsWith("| metric | value |\n|---|---:|\n| examples | 7 |\n| classes (with support) | 4 (3) |\n"
        + "| accuracy | 0.429 |\n");
    assertThat(md).contains("| weighted F1 | 0.416 |\n", "| macro F1 | 0.324 |\n", "| log loss | 5.623 |\n");
    // support 3, 3, 1, 0; ties by class index
    assertThat(md).containsSubsequence(
        "| class | index | precision | recall | F1 | support | predicted |",
        "| shirt | 0 | 0.500 | 0.667 | 0.571 | 3 | 4 |",
        "| shoe | 1 | 0.500 | 0.333 | 0.400 | 3 | 2 |",
        "| bag | 2 | 0.000 | 0.000 | 0.000 | 1 | 0 |",
        "| watch | 3 | 0.000 | 0.000 | 0.000 | 0 | 1 |");
  }

  @Test
  void markdownEscapesPipesInLabels() {
    ClassificationReport r = ClassificationReport.of(List.of("a|b", "c"), new int[] {0}, new float[][] {{1f, 0f}});
    assertThat(r.toMarkdown()).contains("| a\\|b | 0 | 1.000 |");
  }

  @Test
  void writesJsonAndMarkdown(@TempDir Path dir) throws Exception {
    ClassificationReport r = handMade();
    List<Path> files = r.write(dir.resolve("reports/validation"), "epoch-3");
    assertThat(files).containsExactly(dir.resolve("reports/validation/epoch-3.json"),
        dir.resolve("reports/validation/epoch-3.md"));
    assertThat(Files.readString(files.get(0))).isEqualTo(r.toJson() + "\n");
    assertThat(Files.readString(files.get(1))).isEqualTo(r.toMarkdown());
  }

  @Test
  void metricsForTheTracker() {
    ClassificationReport r = handMade();
    assertThat(r.toMetrics("val_"))
        .containsEntry("val_accuracy", r.accuracy())
        .containsEntry("val_weighted_f1", r.weightedF1())
        .containsEntry("val_macro_f1", r.macroF1())
        .containsEntry("val_log_loss", r.logLoss())
        .containsEntry("val_top3_accuracy", r.top3Accuracy())
        .hasSize(10);
  }

  static void assertClass(ClassMetrics c, String label, double p, double r, double f1, long support, long predicted) {
    assertThat(c.label()).isEqualTo(label);
    assertThat(c.precision()).as(label + " precision").isCloseTo(p, within(EPS));
    assertThat(c.recall()).as(label + " recall").isCloseTo(r, within(EPS));
    assertThat(c.f1()).as(label + " F1").isCloseTo(f1, within(EPS));
    assertThat(c.support()).isEqualTo(support);
    assertThat(c.predicted()).isEqualTo(predicted);
  }
}
