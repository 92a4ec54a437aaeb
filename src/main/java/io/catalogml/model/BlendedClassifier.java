package io.catalogml.model;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;
import scala.collection.Seq;

/**
 * A DL4J network and the {@code mllib-logreg} baseline fitted on the same training split, read as
 * one model: each product's class probabilities are the normalised weighted geometric mean
 * {@code p ∝ p_network^(1-w) · p_baseline^w} ({@link #blend}). The two make different mistakes
 * on the fashion catalogue (the network reads the image and misses small accessory classes that
 * titles name exactly; the baseline reads only titles and confuses garments such as shirts and
 * T-shirts). Over ten fusion networks the blend scored 0.4 points of test weighted F1 above the
 * network alone on average, most for the weakest (docs/BENCHMARKS.md). The train job chooses
 * {@code w} on the validation split ({@code train.blend-baseline}); {@link ModelPackage} stores
 * both models and the weight.
 */
public final class BlendedClassifier implements Classifier {
  /**
   * Column of {@link #pairs}: the network's probabilities, beside the baseline's in
   * {@link Predictor#PROBABILITIES}.
   */
  public static final String NETWORK_PROBABILITIES = "network_probabilities";
  /** A probability below this counts as this in the logarithms (a softmax in floats can give exact zeros). */
  private static final double FLOOR = 1e-30;

  private final Classifier network;
  private final LogRegClassifier baseline;
  private final double baselineWeight;

  /**
   * @param network the network's classifier
   * @param baseline the baseline fitted on the same split, over the same labels in the same order
   * @param baselineWeight {@code w} in {@code [0, 1]}: 0 is the network alone, 1 the baseline alone
   */
  public BlendedClassifier(Classifier network, LogRegClassifier baseline, double baselineWeight) {
    if (!network.labels().equals(baseline.labels())) {
      throw new IllegalArgumentException("the network and the baseline must share their labels in one order");
    }
    if (!(baselineWeight >= 0 && baselineWeight <= 1)) {
      throw new IllegalArgumentException("the baseline's weight must be in [0, 1], got " + baselineWeight);
    }
    this.network = network;
    this.baseline = baseline;
    this.baselineWeight = baselineWeight;
  }

  /** The baseline's weight {@code w}. */
  public double baselineWeight() {
    return baselineWeight;
  }

  /**
   * The normalised weighted geometric mean of two probability vectors of one product, computed in
   * double precision from the logarithms (each probability floored at 1e-30). At weight 0 it is a
   * copy of the network's vector and at 1 of the baseline's, so a one-pass evaluation of weights 0
   * and 1 reports each model exactly as it would alone.
   */
  public static float[] blend(float[] network, float[] baseline, double baselineWeight) {
    if (baselineWeight == 0 || baselineWeight == 1) {
      return (baselineWeight == 0 ? network : baseline).clone();
    }
    double[] logs = new double[network.length];
    double max = Double.NEGATIVE_INFINITY;
    for (int c = 0; c < logs.length; c++) {
      logs[c] = (1 - baselineWeight) * Math.log(Math.max(FLOOR, network[c]))
          + baselineWeight * Math.log(Math.max(FLOOR, baseline[c]));
      max = Math.max(max, logs[c]);
    }
    double sum = 0;
    for (int c = 0; c < logs.length; c++) {
      logs[c] = Math.exp(logs[c] - max);
      sum += logs[c];
    }
    float[] p = new float[logs.length];
    for (int c = 0; c < p.length; c++) {
      p[c] = (float) (logs[c] / sum);
    }
    return p;
  }

  /**
   * The rows with both models' probabilities: the network's in {@link #NETWORK_PROBABILITIES}, the
   * baseline's in {@link Predictor#PROBABILITIES}; other columns pass through.
   */
  public static Dataset<Row> pairs(Classifier network, LogRegClassifier baseline, Dataset<Row> features) {
    Dataset<Row> first = network.withProbabilities(features)
        .withColumnRenamed(Predictor.PROBABILITIES, NETWORK_PROBABILITIES);
    return baseline.withProbabilities(first);
  }

  @Override
  public LabelMap labels() {
    return network.labels();
  }

  @Override
  public JavaRDD<Predictor.Prediction> predict(Dataset<Row> features) {
    return Predictor.predictions(withProbabilities(features));
  }

  @Override
  public Dataset<Row> withProbabilities(Dataset<Row> features) {
    double w = baselineWeight;
    UserDefinedFunction blended = udf((UDF2<Seq<Float>, Seq<Float>, float[]>) (a, b) ->
            blend(floats(a), floats(b), w),
        DataTypes.createArrayType(DataTypes.FloatType, false));
    return pairs(network, baseline, features)
        .withColumn(Predictor.PROBABILITIES, blended.apply(col(NETWORK_PROBABILITIES), col(Predictor.PROBABILITIES)))
        .drop(NETWORK_PROBABILITIES);
  }

  @Override
  public long networkLoads() {
    return network.networkLoads();
  }

  private static float[] floats(Seq<Float> seq) {
    float[] f = new float[seq.length()];
    scala.collection.Iterator<Float> it = seq.iterator();
    for (int i = 0; i < f.length; i++) {
      f[i] = it.next();
    }
    return f;
  }
}
