package io.catalogml.model;

import io.catalogml.config.TrainSettings;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TreeMap;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.feature.IDF;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.collection.Seq;

/**
 * The yardstick: Spark MLlib TF-IDF over the same token ids the networks read (title and
 * description ids as one bag), then multinomial logistic regression. Trains in minutes on a
 * CPU and serves as the scoring job's fallback.
 */
public final class LogRegClassifier implements Classifier {
  static final String TF = "_tf";
  static final String TFIDF = "_tfidf";
  static final String INDEX = "_label_index";
  static final String PROBABILITY = "_probability";

  private final PipelineModel model;
  private final LabelMap labels;
  private final int vocabularySize;

  public LogRegClassifier(PipelineModel model, LabelMap labels, int vocabularySize) {
    this.model = model;
    this.labels = labels;
    this.vocabularySize = vocabularySize;
  }

  /** Fits TF-IDF and the regression on labelled training rows whose labels are all in {@code labels}. */
  public static LogRegClassifier fit(Dataset<Row> train, LabelMap labels, int vocabularySize, TrainSettings settings) {
    UserDefinedFunction index = udf((org.apache.spark.sql.api.java.UDF1<String, Double>) l -> (double) labels.index(l),
        org.apache.spark.sql.types.DataTypes.DoubleType);
    Dataset<Row> prepared = termFrequencies(train, vocabularySize).withColumn(INDEX, index.apply(col("label")));
    LogisticRegression lr = new LogisticRegression()
        .setFamily("multinomial")
        .setFeaturesCol(TFIDF)
        .setLabelCol(INDEX)
        .setProbabilityCol(PROBABILITY)
        .setPredictionCol("_prediction")
        .setRawPredictionCol("_raw")
        .setMaxIter(settings.logregIterations())
        .setRegParam(settings.logregRegularization())
        .setElasticNetParam(0.0);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        new IDF().setInputCol(TF).setOutputCol(TFIDF), lr}).fit(prepared);
    return new LogRegClassifier(fitted, labels, vocabularySize);
  }

  /** Adds the term-frequency vector of title and description ids (ids at or past the vocabulary are dropped). */
  static Dataset<Row> termFrequencies(Dataset<Row> rows, int vocabularySize) {
    UserDefinedFunction tf = udf((UDF2<Seq<Integer>, Seq<Integer>, Vector>) (t, d) -> {
      TreeMap<Integer, Double> counts = new TreeMap<>();
      for (Seq<Integer> ids : List.of(t, d)) {
        if (ids != null) {
          scala.collection.Iterator<Integer> it = ids.iterator();
          while (it.hasNext()) {
            int id = it.next();
            if (id > 0 && id < vocabularySize) {
              counts.merge(id, 1.0, Double::sum);
            }
          }
        }
      }
      int[] indices = counts.keySet().stream().mapToInt(Integer::intValue).toArray();
      double[] values = counts.values().stream().mapToDouble(Double::doubleValue).toArray();
      return new SparseVector(vocabularySize, indices, values);
    }, SQLDataTypes.VectorType());
    return rows.withColumn(TF, tf.apply(col("title_ids"), col("description_ids")));
  }

  @Override
  public LabelMap labels() {
    return labels;
  }

  @Override
  public JavaRDD<Predictor.Prediction> predict(Dataset<Row> features) {
    return model.transform(termFrequencies(features, vocabularySize))
        .select("product_id", "label", PROBABILITY).javaRDD()
        .map(r -> new Predictor.Prediction(r.getString(0), r.getString(1), floats(r.getAs(2))));
  }

  @Override
  public Dataset<Row> withProbabilities(Dataset<Row> features) {
    return model.transform(termFrequencies(features, vocabularySize))
        .withColumn(Predictor.PROBABILITIES, org.apache.spark.ml.functions.vector_to_array(col(PROBABILITY), "float32"))
        .drop(TF, TFIDF, PROBABILITY, "_prediction", "_raw");
  }

  private static float[] floats(Vector v) {
    double[] d = v.toArray();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** Saves the fitted MLlib pipeline to a folder. */
  public void save(String folder) {
    try {
      model.write().overwrite().save(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a pipeline saved by {@link #save}. */
  public static LogRegClassifier load(String folder, LabelMap labels, int vocabularySize) {
    return new LogRegClassifier(PipelineModel.load(folder), labels, vocabularySize);
  }

}
