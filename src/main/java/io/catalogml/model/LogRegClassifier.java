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
    UserDefinedFunction tf = udf((UDF3<Seq<Integer>, Seq<Integer>, Seq<Integer>, Vector>) (t, d, w) ->
        termFrequency(vocabularySize, sublinear, t, d, w), SQLDataTypes.VectorType());
    Column subwords = java.util.Arrays.asList(rows.columns()).contains(FeatureTables.SUBWORD_IDS)
        ? col(FeatureTables.SUBWORD_IDS)
        : lit(null).cast(FeatureTables.FEATURES.apply(FeatureTables.SUBWORD_IDS).dataType());
    return rows.withColumn(TF, tf.apply(col("title_ids"), col("description_ids"), subwords));
  }

  /** The sparse term-frequency vector of the ids of all {@code lists}, in id order (sorted ids, counted in runs). */
  @SafeVarargs
  static SparseVector termFrequency(int vocabularySize, boolean sublinear, Seq<Integer>... lists) {
    int n = 0;
    for (Seq<Integer> ids : lists) {
      n += ids == null ? 0 : ids.size();
    }
    int[] all = new int[n];
    int kept = 0;
    for (Seq<Integer> ids : lists) {
      if (ids != null) {
        scala.collection.Iterator<Integer> it = ids.iterator();
        while (it.hasNext()) {
          Integer id = it.next();
          if (id != null && id > 0 && id < vocabularySize) {
            all[kept++] = id;
          }
        }
      }
    }
    java.util.Arrays.sort(all, 0, kept);
    int[] indices = new int[kept];
    double[] values = new double[kept];
    int distinct = 0;
    for (int i = 0; i < kept; ) {
      int j = i;
      while (j < kept && all[j] == all[i]) {
        j++;
      }
      indices[distinct] = all[i];
      values[distinct++] = sublinear ? 1 + Math.log(j - i) : j - i;
      i = j;
    }
    return new SparseVector(vocabularySize, java.util.Arrays.copyOf(indices, distinct),
        java.util.Arrays.copyOf(values, distinct));
  }

  @Override
  public LabelMap labels() {
    return labels;
  }

  @Override
  public JavaRDD<Predictor.Prediction> predict(Dataset<Row> features) {
    return Predictor.predictions(withProbabilities(features));
  }

  /**
   * Adds the class probabilities as {@code array<float>}: the pipeline's weighting stages, then the
   * regression's softmax computed here rather than by MLlib's {@code transform}, which multiplies
   * each row by the coefficient matrix as the fit stored it, class by class (row-major), so a
   * product's hundred-odd ids cost 130 strided reads each from a matrix of 130 × 13,483 doubles.
   * {@link Softmax} reads it column by column instead: per id, the 130 coefficients side by side.
   */
  @Override
  public Dataset<Row> withProbabilities(Dataset<Row> features) {
    Dataset<Row> weighted = termFrequencies(features, vocabularySize, tf);
    org.apache.spark.ml.Transformer[] stages = model.stages();
    for (int i = 0; i < stages.length - 1; i++) {
      weighted = stages[i].transform(weighted);
    }
    org.apache.spark.ml.classification.LogisticRegressionModel lr =
        (org.apache.spark.ml.classification.LogisticRegressionModel) stages[stages.length - 1];
    Softmax softmax = Softmax.of(lr);
    UserDefinedFunction probabilities = udf((org.apache.spark.sql.api.java.UDF1<Vector, float[]>) softmax::apply,
        org.apache.spark.sql.types.DataTypes.createArrayType(org.apache.spark.sql.types.DataTypes.FloatType, false));
    return weighted.withColumn(Predictor.PROBABILITIES, probabilities.apply(col(lr.getFeaturesCol())))
        .drop(TF, TFIDF, FEATURES);
  }

  /**
   * A fitted multinomial regression's class probabilities, {@code softmax(intercepts + W x)}, as
   * MLlib computes them (the largest margin subtracted before {@code exp}; an infinite largest margin
   * gives its class probability 1), with {@code W} held
   * column-major: the coefficients of feature {@code j} are {@code w[j * classes .. + classes)}.
   */
  static final class Softmax implements java.io.Serializable {
    private static final long serialVersionUID = 1L;
    private final int classes;
    private final double[] w;
    private final double[] intercepts;

    private Softmax(int classes, double[] w, double[] intercepts) {
      this.classes = classes;
      this.w = w;
      this.intercepts = intercepts;
    }

    static Softmax of(org.apache.spark.ml.classification.LogisticRegressionModel lr) {
      org.apache.spark.ml.linalg.DenseMatrix m = lr.coefficientMatrix().toDense();
      if (m.numRows() != lr.numClasses()) {
        throw new IllegalStateException("a binomial logistic regression (" + m.numRows()
            + " coefficient row) where the baseline fits a multinomial one");
      }
      // toDenseColMajor: values in column-major order, whatever the fit stored.
      return new Softmax(m.numRows(), m.toDenseColMajor().values(), lr.interceptVector().toArray());
    }

    float[] apply(Vector x) {
      double[] margins = intercepts.clone();
      if (x instanceof SparseVector sv) {
        int[] indices = sv.indices();
        double[] values = sv.values();
        for (int k = 0; k < indices.length; k++) {
          add(margins, indices[k], values[k]);
        }
      } else {
        double[] values = x.toArray();
        for (int j = 0; j < values.length; j++) {
          if (values[j] != 0) {
            add(margins, j, values[j]);
          }
        }
      }
      double max = Double.NEGATIVE_INFINITY;
      int argmax = 0;
      for (int c = 0; c < classes; c++) {
        if (margins[c] > max) {
          max = margins[c];
          argmax = c;
        }
      }
      float[] p = new float[classes];
      if (max == Double.POSITIVE_INFINITY) {
        // exp(inf - inf) is NaN: as MLlib does, the first class with an infinite margin takes it all.
        p[argmax] = 1f;
        return p;
      }
      double sum = 0;
      for (int c = 0; c < classes; c++) {
        margins[c] = Math.exp(margins[c] - max);
        sum += margins[c];
      }
      for (int c = 0; c < classes; c++) {
        p[c] = (float) (margins[c] / sum);
      }
      return p;
    }

    private void add(double[] margins, int feature, double value) {
      int base = feature * classes;
      for (int c = 0; c < classes; c++) {
        margins[c] += w[base + c] * value;
      }
    }
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
