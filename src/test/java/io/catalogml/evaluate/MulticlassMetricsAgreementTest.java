package io.catalogml.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.SparkTestBase;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.stream.IntStream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.mllib.evaluation.MulticlassMetrics;
import org.apache.spark.mllib.linalg.Matrix;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.Tuple4;

/**
 * Our report against Spark MLlib's {@link MulticlassMetrics} on 4,000 seeded random predictions
 * over 40 classes (classes 38 and 39 never true, so some classes are only predicted), aggregated
 * the way the train job will: one accumulator per partition, then {@code reduce}.
 */
class MulticlassMetricsAgreementTest extends SparkTestBase {
  static final int CLASSES = 40;
  static final int ROWS = 4000;
  static final List<String> LABELS = RandomPredictions.labels(CLASSES);
  static final List<Tuple2<Integer, float[]>> rows = new ArrayList<>();
  static JavaRDD<Tuple2<Integer, float[]>> rdd;
  static ClassificationReport report;
  static MulticlassMetrics mllib;

  @BeforeAll
  static void evaluate() {
    Random random = new Random(20261124);
    for (int i = 0; i < ROWS; i++) {
      int truth = RandomPredictions.truth(random, CLASSES - 2);
      rows.add(new Tuple2<>(truth, RandomPredictions.probabilities(random, CLASSES, truth, 0.55)));
    }
    rdd = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(rows, 5);

    report = rdd.mapPartitions(it -> {
          EvaluationAccumulator acc = new EvaluationAccumulator(CLASSES);
          it.forEachRemaining(r -> acc.add(r._1(), r._2()));
          return List.of(acc).iterator();
        })
        .reduce(EvaluationAccumulator::merge)
        .build(LABELS);

    JavaRDD<Tuple4<Object, Object, Object, Object>> scored = rdd.map(r -> new Tuple4<>(
        (double) argmax(r._2()), (double) r._1(), 1.0, toDouble(r._2())));
    mllib = new MulticlassMetrics(scored.rdd());
  }

  @Test
  void headlineMetricsAgreeWithMllib() {
    assertThat(report.examples()).isEqualTo(ROWS);
    assertThat(report.accuracy()).isCloseTo(mllib.accuracy(), within(1e-9));
    assertThat(report.weightedPrecision()).isCloseTo(mllib.weightedPrecision(), within(1e-9));
    assertThat(report.weightedRecall()).isCloseTo(mllib.weightedRecall(), within(1e-9));
    assertThat(report.weightedF1()).isCloseTo(mllib.weightedFMeasure(), within(1e-9));
    assertThat(report.logLoss()).isCloseTo(mllib.logLoss(1e-15), within(1e-9));
    // the example is not degenerate
    assertThat(report.accuracy()).isBetween(0.3, 0.8);
    assertThat(report.perClass().get(38).predicted()).isPositive();
  }

  @Test
  void perClassMetricsAndConfusionAgreeWithMllib() {
    double[] labels = mllib.labels();
    assertThat(labels).hasSize(CLASSES - 2);
    Matrix confusion = mllib.confusionMatrix();
    long[][] ours = report.confusionMatrix();
    for (int i = 0; i < labels.length; i++) {
      int c = (int) labels[i];
      ClassMetrics m = report.perClass().get(c);
      assertThat(m.precision()).as("precision of %d", c).isCloseTo(mllib.precision(c), within(1e-12));
      assertThat(m.recall()).as("recall of %d", c).isCloseTo(mllib.recall(c), within(1e-12));
      assertThat(m.f1()).as("F1 of %d", c).isCloseTo(mllib.fMeasure(c), within(1e-12));
      for (int j = 0; j < labels.length; j++) {
        assertThat((double) ours[c][(int) labels[j]]).isEqualTo(confusion.apply(i, j));
      }
    }
  }

  @Test
  void topKAgreesWithSortingEveryRow() {
    int[] hits = new int[6];
    for (Tuple2<Integer, float[]> r : rows) {
      float[] p = r._2();
      List<Integer> order = IntStream.range(0, CLASSES).boxed()
          .sorted(Comparator.<Integer>comparingDouble(c -> -p[c]).thenComparing(c -> c))
          .toList();
      int rank = order.indexOf(r._1());
      for (int k = 1; k <= 5; k++) {
        hits[k] += rank < k ? 1 : 0;
      }
    }
    assertThat(report.top1Accuracy()).isEqualTo((double) hits[1] / ROWS).isEqualTo(report.accuracy());
    assertThat(report.top3Accuracy()).isEqualTo((double) hits[3] / ROWS);
    assertThat(report.top5Accuracy()).isEqualTo((double) hits[5] / ROWS);
    assertThat(report.top5Accuracy()).isGreaterThan(report.top3Accuracy());
  }

  /** An argmax written independently of the accumulator: first index of the maximum. */
  static int argmax(float[] p) {
    int best = 0;
    for (int c = 1; c < p.length; c++) {
      if (p[c] > p[best]) {
        best = c;
      }
    }
    return best;
  }

  static double[] toDouble(float[] p) {
    double[] d = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      d[i] = p[i];
    }
    return d;
  }
}
