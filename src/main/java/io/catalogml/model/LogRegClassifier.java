package io.catalogml.model;

import io.catalogml.config.TrainSettings;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.udf;

import io.catalogml.core.Json;
import io.catalogml.preprocess.FeatureTables;
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
import org.apache.spark.ml.feature.Normalizer;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF3;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import scala.collection.Seq;

/**
 * The yardstick: term frequencies over the same ids the networks read (title, description and
 * subword ids as one bag), optionally sublinear, weighted by inverse document frequency and
 * scaled to unit length, then Spark MLlib's multinomial logistic regression. Trains in minutes on a CPU and serves as the scoring
 * job's fallback.
 */
public final class LogRegClassifier implements Classifier {
  static final String TF = "_tf";
  static final String TFIDF = "_tfidf";
  static final String FEATURES = "_features";
  static final String INDEX = "_label_index";
  static final String PROBABILITY = "_probability";
  /** File beside the MLlib pipeline with the term-frequency options it was fitted with. */
  static final String TERM_FREQUENCY = "term-frequency.json";

  /**
   * How ids become the term-frequency vector, outside the MLlib pipeline; saved with it.
   *
   * @param sublinear {@code 1 + ln(count)} instead of the count
   */
  record TermFrequency(boolean sublinear) implements java.io.Serializable {}

  private final PipelineModel model;
  private final LabelMap labels;
  private final int vocabularySize;
  private final TermFrequency tf;

  LogRegClassifier(PipelineModel model, LabelMap labels, int vocabularySize, TermFrequency tf) {
    this.model = model;
    this.labels = labels;
    this.vocabularySize = vocabularySize;
    this.tf = tf;
  }

  /** Fits the weighting stages and the regression on labelled training rows whose labels are all in {@code labels}. */
  public static LogRegClassifier fit(Dataset<Row> train, LabelMap labels, int vocabularySize, TrainSettings settings) {
    TrainSettings.Logreg options = settings.logreg();
    TermFrequency tf = new TermFrequency(options.sublinearTf());
    UserDefinedFunction index = udf((org.apache.spark.sql.api.java.UDF1<String, Double>) l -> (double) labels.index(l),
        org.apache.spark.sql.types.DataTypes.DoubleType);
    Dataset<Row> prepared = termFrequencies(train, vocabularySize, tf).withColumn(INDEX, index.apply(col("label")));
    LogisticRegression lr = new LogisticRegression()
        .setFamily("multinomial")
        .setLabelCol(INDEX)
        .setProbabilityCol(PROBABILITY)
        .setPredictionCol("_prediction")
        .setRawPredictionCol("_raw")
        .setMaxIter(options.iterations())
        .setRegParam(options.regularization())
        .setStandardization(options.standardize())
        .setElasticNetParam(0.0);
    List<PipelineStage> stages = new java.util.ArrayList<>();
    String features = TF;
    if (options.idf()) {
      stages.add(new IDF().setInputCol(features).setOutputCol(TFIDF));
      features = TFIDF;
    }
    if (options.normalize()) {
      stages.add(new Normalizer().setInputCol(features).setOutputCol(FEATURES).setP(2.0));
      features = FEATURES;
    }
    stages.add(lr.setFeaturesCol(features));
    PipelineModel fitted = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(prepared);
    return new LogRegClassifier(fitted, labels, vocabularySize, tf);
  }

  /**
   * Adds the term-frequency vector of title, description and subword ids (ids at or past the
   * vocabulary are dropped; a missing subword column counts as none).
   */
  static Dataset<Row> termFrequencies(Dataset<Row> rows, int vocabularySize, TermFrequency options) {
    boolean sublinear = options.sublinear();
    UserDefinedFunction tf = udf((UDF3<Seq<Integer>, Seq<Integer>, Seq<Integer>, Vector>) (t, d, w) -> {
      TreeMap<Integer, Double> counts = new TreeMap<>();
      for (Seq<Integer> ids : java.util.Arrays.asList(t, d, w)) {
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
      double[] values = counts.values().stream().mapToDouble(c -> sublinear ? 1 + Math.log(c) : c).toArray();
      return new SparseVector(vocabularySize, indices, values);
    }, SQLDataTypes.VectorType());
    Column subwords = java.util.Arrays.asList(rows.columns()).contains(FeatureTables.SUBWORD_IDS)
        ? col(FeatureTables.SUBWORD_IDS)
        : lit(null).cast(FeatureTables.FEATURES.apply(FeatureTables.SUBWORD_IDS).dataType());
    return rows.withColumn(TF, tf.apply(col("title_ids"), col("description_ids"), subwords));
  }

  @Override
  public LabelMap labels() {
    return labels;
  }

  @Override
  public JavaRDD<Predictor.Prediction> predict(Dataset<Row> features) {
    return model.transform(termFrequencies(features, vocabularySize, tf))
        .select("product_id", "label", PROBABILITY).javaRDD()
        .map(r -> new Predictor.Prediction(r.getString(0), r.getString(1), floats(r.getAs(2))));
  }

  @Override
  public Dataset<Row> withProbabilities(Dataset<Row> features) {
    return model.transform(termFrequencies(features, vocabularySize, tf))
        .withColumn(Predictor.PROBABILITIES, org.apache.spark.ml.functions.vector_to_array(col(PROBABILITY), "float32"))
        .drop(TF, TFIDF, FEATURES, PROBABILITY, "_prediction", "_raw");
  }

  private static float[] floats(Vector v) {
    double[] d = v.toArray();
    float[] f = new float[d.length];
    for (int i = 0; i < d.length; i++) {
      f[i] = (float) d[i];
    }
    return f;
  }

  /** Saves the fitted MLlib pipeline to a folder, with its term-frequency options. */
  public void save(String folder) {
    try {
      model.write().overwrite().save(folder);
      org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder, TERM_FREQUENCY);
      org.apache.hadoop.conf.Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
      try (java.io.OutputStream out = path.getFileSystem(hadoop).create(path, true)) {
        out.write(Json.mapper().writeValueAsBytes(tf));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Loads a pipeline saved by {@link #save}; one saved before the term-frequency options existed
   * used raw counts.
   */
  public static LogRegClassifier load(String folder, LabelMap labels, int vocabularySize) {
    org.apache.hadoop.fs.Path path = new org.apache.hadoop.fs.Path(folder, TERM_FREQUENCY);
    org.apache.hadoop.conf.Configuration hadoop = SparkSession.active().sparkContext().hadoopConfiguration();
    TermFrequency tf = new TermFrequency(false);
    try {
      org.apache.hadoop.fs.FileSystem fs = path.getFileSystem(hadoop);
      if (fs.exists(path)) {
        try (java.io.InputStream in = fs.open(path)) {
          tf = Json.mapper().readValue(in, TermFrequency.class);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new LogRegClassifier(PipelineModel.load(folder), labels, vocabularySize, tf);
  }

}
