package io.catalogml.evaluate;

import io.catalogml.model.Classifier;
import io.catalogml.model.LabelMap;

import static org.apache.spark.sql.functions.col;

import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.evaluate.EvaluationAccumulator;
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
    LabelMap known = classifier.labels();
    List<String> all = new ArrayList<>(known.labels());
    TreeSet<String> unseen = new TreeSet<>();
    labelled.select("label").distinct().collectAsList().forEach(r -> {
      if (known.index(r.getString(0)) < 0) {
        unseen.add(r.getString(0));
      }
    });
    all.addAll(unseen);
    LabelMap evaluation = new LabelMap(all);
    int classes = all.size();
    EvaluationAccumulator total = classifier.predict(labelled)
        .mapPartitions(it -> {
          EvaluationAccumulator acc = new EvaluationAccumulator(classes);
          it.forEachRemaining(p -> acc.add(evaluation.index(p.label()), pad(p.probabilities(), classes)));
          return List.of(acc).iterator();
        })
        .reduce(EvaluationAccumulator::merge);
    return total.build(all);
  }

  private static float[] pad(float[] probabilities, int classes) {
    return probabilities.length == classes ? probabilities : Arrays.copyOf(probabilities, classes);
  }
}
