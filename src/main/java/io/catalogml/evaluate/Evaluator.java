package io.catalogml.evaluate;

import io.catalogml.model.BlendedClassifier;
import io.catalogml.model.Classifier;
import io.catalogml.model.LabelMap;
import io.catalogml.model.LogRegClassifier;
import io.catalogml.model.Predictor;

import static org.apache.spark.sql.functions.col;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Evaluates a {@link Classifier} on labelled rows, aggregating per partition on the executors
 * (no prediction is collected to the driver). A label the model never saw in training still
 * counts: it is added as a class the model cannot predict, so every such row is an error.
 */
public final class Evaluator {
  private Evaluator() {}

  /** The classification report of {@code rows} (unlabelled rows are left out). */
  public static ClassificationReport evaluate(Classifier classifier, Dataset<Row> rows) {
    Dataset<Row> labelled = rows.where(col("label").isNotNull());
    LabelMap evaluation = evaluationLabels(classifier.labels(), labelled);
    int classes = evaluation.size();
    EvaluationAccumulator total = classifier.predict(labelled)
        .mapPartitions(it -> {
          EvaluationAccumulator acc = new EvaluationAccumulator(classes);
          it.forEachRemaining(p -> acc.add(evaluation.index(p.label()), pad(p.probabilities(), classes)));
          return List.of(acc).iterator();
        })
        .reduce(EvaluationAccumulator::merge);
    return total.build(evaluation.labels());
  }

  /**
   * The reports of a network blended with a baseline at each of {@code baselineWeights}
   * ({@link BlendedClassifier#blend}) on {@code rows}, in one pass: each model predicts every row
   * once and each partition blends at every weight.
   */
  public static List<ClassificationReport> evaluateBlends(Classifier network, LogRegClassifier baseline,
      Dataset<Row> rows, double[] baselineWeights) {
    Dataset<Row> labelled = rows.where(col("label").isNotNull());
    LabelMap evaluation = evaluationLabels(network.labels(), labelled);
    int classes = evaluation.size();
    double[] weights = baselineWeights.clone();
    EvaluationAccumulator[] total = BlendedClassifier.pairs(network, baseline, labelled)
        .select(col("label"), col(BlendedClassifier.NETWORK_PROBABILITIES), col(Predictor.PROBABILITIES))
        .javaRDD()
        .mapPartitions(it -> {
          EvaluationAccumulator[] acc = new EvaluationAccumulator[weights.length];
          for (int k = 0; k < acc.length; k++) {
            acc[k] = new EvaluationAccumulator(classes);
          }
          it.forEachRemaining(r -> {
            int truth = evaluation.index(r.getString(0));
            float[] a = Predictor.floats(r.getList(1));
            float[] b = Predictor.floats(r.getList(2));
            for (int k = 0; k < acc.length; k++) {
              acc[k].add(truth, pad(BlendedClassifier.blend(a, b, weights[k]), classes));
            }
          });
          return java.util.Collections.singletonList(acc).iterator();
        })
        .reduce((x, y) -> {
          for (int k = 0; k < x.length; k++) {
            x[k].merge(y[k]);
          }
          return x;
        });
    List<ClassificationReport> reports = new ArrayList<>(weights.length);
    for (EvaluationAccumulator acc : total) {
      reports.add(acc.build(evaluation.labels()));
    }
    return reports;
  }

  /** The model's classes, then each label of {@code labelled} it never saw, in label order. */
  private static LabelMap evaluationLabels(LabelMap known, Dataset<Row> labelled) {
    List<String> all = new ArrayList<>(known.labels());
    TreeSet<String> unseen = new TreeSet<>();
    labelled.select("label").distinct().collectAsList().forEach(r -> {
      if (known.index(r.getString(0)) < 0) {
        unseen.add(r.getString(0));
      }
    });
    all.addAll(unseen);
    return new LabelMap(all);
  }

  private static float[] pad(float[] probabilities, int classes) {
    return probabilities.length == classes ? probabilities : Arrays.copyOf(probabilities, classes);
  }
}
