package io.catalogml.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.SparkTestBase;
import io.catalogml.config.ConfigLoader;
import io.catalogml.config.TrainSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The baseline's own softmax ({@link LogRegClassifier.Softmax}) gives the probabilities MLlib's
 * {@code transform} gives for the same fitted pipeline, with and without IDF.
 */
class LogRegScoringTest extends SparkTestBase {
  private static final int VOCABULARY = 300;
  private static final List<String> CLASSES = List.of("Tshirts", "Shirts", "Tops", "Jeans", "Watches");

  @Test
  void probabilitiesEqualMllibTransform(@TempDir Path dir) throws Exception {
    Dataset<Row> rows = products(600, 11);
    for (String idf : new String[] {"false", "true"}) {
      TrainSettings settings = ConfigLoader.load(List.of(), List.of("train.logreg.idf=" + idf, "train.logreg.max-iterations=30"))
          .train();
      LogRegClassifier classifier = LogRegClassifier.fit(rows, LabelMap.of(CLASSES), VOCABULARY, settings);
      Path folder = Files.createDirectories(dir.resolve("idf-" + idf));
      classifier.save(folder.toString());
      PipelineModel mllib = PipelineModel.load(folder.toString());

      Dataset<Row> fresh = products(200, 12);
      Map<String, double[]> expected = new HashMap<>();
      for (Row r : mllib.transform(LogRegClassifier.termFrequencies(fresh, VOCABULARY,
          new LogRegClassifier.TermFrequency(settings.logreg().sublinearTf())))
          .select("product_id", LogRegClassifier.PROBABILITY).collectAsList()) {
        expected.put(r.getString(0), ((Vector) r.get(1)).toArray());
      }
      List<Row> actual = classifier.withProbabilities(fresh).select("product_id", Predictor.PROBABILITIES)
          .collectAsList();
      assertThat(actual).hasSize(200);
      for (Row r : actual) {
        List<Float> p = r.getList(1);
        double[] e = expected.get(r.getString(0));
        assertThat(p).hasSize(CLASSES.size());
        for (int c = 0; c < e.length; c++) {
          assertThat((double) p.get(c)).as("idf %s, %s class %d", idf, r.getString(0), c).isCloseTo(e[c], within(1e-6));
        }
      }
      // The predictions the evaluator reads are the same probabilities.
      List<Predictor.Prediction> predictions = classifier.predict(fresh).collect();
      assertThat(predictions).hasSize(200);
      for (Predictor.Prediction p : predictions) {
        assertThat(p.probabilities()[0]).isCloseTo((float) expected.get(p.productId())[0], within(1e-6f));
      }
    }
  }

  @Test
  void anInfiniteMarginGivesItsClassProbabilityOneAsMllibDoes() {
    // Three classes, two features (column-major); feature 1 overflows class 1's margin to +inf.
    org.apache.spark.ml.linalg.Matrix w = org.apache.spark.ml.linalg.Matrices.dense(3, 2,
        new double[] {0.5, 0.1, -0.2, 0.0, 1e308, 1.0});
    org.apache.spark.ml.linalg.Vector intercepts = org.apache.spark.ml.linalg.Vectors.dense(0.1, 0.2, 0.3);
    org.apache.spark.ml.classification.LogisticRegressionModel lr =
        new org.apache.spark.ml.classification.LogisticRegressionModel("lr", w, intercepts, 3, true);
    LogRegClassifier.Softmax softmax = LogRegClassifier.Softmax.of(lr);

    Vector finite = org.apache.spark.ml.linalg.Vectors.sparse(2, new int[] {0}, new double[] {2.0});
    Vector infinite = org.apache.spark.ml.linalg.Vectors.sparse(2, new int[] {0, 1}, new double[] {1.0, 10.0});
    for (Vector x : List.of(finite, infinite)) {
      double[] expected = lr.predictProbability(x).toArray();
      float[] actual = softmax.apply(x);
      for (int c = 0; c < 3; c++) {
        assertThat((double) actual[c]).as("class %d of %s", c, x).isCloseTo(expected[c], within(1e-6));
      }
    }
    assertThat(softmax.apply(infinite)).containsExactly(0f, 1f, 0f);

    // Two infinite margins: the first takes it all. (MLlib's own softmax zeroes its array in place by
    // multiplying by 0, so the second infinite class comes out NaN there; this one gives 0.)
    org.apache.spark.ml.linalg.Matrix twoInfinite = org.apache.spark.ml.linalg.Matrices.dense(3, 2,
        new double[] {0.5, 0.1, -0.2, 0.0, 1e308, 1e308});
    LogRegClassifier.Softmax both = LogRegClassifier.Softmax.of(
        new org.apache.spark.ml.classification.LogisticRegressionModel("lr", twoInfinite, intercepts, 3, true));
    assertThat(both.apply(infinite)).containsExactly(0f, 1f, 0f);
  }

  /** Products whose ids lean towards their class, plus noise and ids outside the vocabulary. */
  private static Dataset<Row> products(int n, long seed) {
    Random random = new Random(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = random.nextInt(CLASSES.size());
      List<Integer> title = new ArrayList<>();
      for (int t = 0; t < 3 + random.nextInt(6); t++) {
        title.add(random.nextDouble() < 0.6 ? 2 + label * 50 + random.nextInt(50) : 2 + random.nextInt(VOCABULARY + 10));
      }
      List<Integer> subwords = new ArrayList<>();
      for (int t = 0; t < random.nextInt(20); t++) {
        subwords.add(2 + random.nextInt(VOCABULARY - 2));
      }
      rows.add(RowFactory.create("p" + seed + "-" + i, CLASSES.get(label), title, List.of(), subwords));
    }
    StructType schema = new StructType()
        .add("product_id", DataTypes.StringType)
        .add("label", DataTypes.StringType)
        .add("title_ids", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("description_ids", DataTypes.createArrayType(DataTypes.IntegerType))
        .add("subword_ids", DataTypes.createArrayType(DataTypes.IntegerType));
    return spark.createDataFrame(rows, schema);
  }
}
