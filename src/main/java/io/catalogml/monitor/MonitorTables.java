package io.catalogml.monitor;

import java.util.List;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schemas of {@code gold.monitoring} and {@code gold.monitoring_classes}. Documented in the README. */
public final class MonitorTables {
  private MonitorTables() {}

  /** The monitored metrics in column order; each has a column, and all but the distances a {@code reference_} one. */
  public static final List<String> METRICS = List.of(MonitorStage.JS_DISTANCE, MonitorStage.PSI,
      MonitorStage.MEAN_PROBABILITY, MonitorStage.LOW_CONFIDENCE_SHARE, MonitorStage.UNKNOWN_WORD_SHARE,
      MonitorStage.MEAN_TITLE_WORDS, MonitorStage.IMAGE_FAILURE_SHARE, MonitorStage.TEXT_PATH_SHARE,
      MonitorStage.LABEL_AGREEMENT);

  /** Whether a metric is a distance (no reference column). */
  static boolean distance(String metric) {
    return metric.equals(MonitorStage.JS_DISTANCE) || metric.equals(MonitorStage.PSI);
  }

  /** One row per night: what the night looked like next to the reference, and the verdict. */
  public static final StructType MONITORING;

  static {
    StructType t = new StructType()
        .add("night", DataTypes.DateType, false)
        .add("status", DataTypes.StringType, false)
        .add("breaches", DataTypes.createArrayType(DataTypes.StringType, false), false)
        .add("model_name", DataTypes.StringType, false)
        .add("model_version", DataTypes.StringType)
        .add("model_run_id", DataTypes.StringType)
        .add("products", DataTypes.LongType, false)
        .add("predictions", DataTypes.LongType, false)
        .add("labelled", DataTypes.LongType, false);
    for (String m : METRICS) {
      t = t.add(m, DataTypes.DoubleType);
      if (!distance(m)) {
        t = t.add("reference_" + m, DataTypes.DoubleType);
      }
    }
    MONITORING = t
        .add("products_version", DataTypes.LongType, false)
        .add("features_version", DataTypes.LongType)
        .add("predictions_version", DataTypes.LongType, false)
        .add("reference_features_version", DataTypes.LongType, false)
        .add("monitor_run_id", DataTypes.StringType, false)
        .add("computed_at", DataTypes.TimestampType, false);
  }

  /** The products most worth a person's look tonight, best first; replaced each night. */
  public static final StructType REVIEW = new StructType()
      .add("night", DataTypes.DateType, false)
      .add("rank", DataTypes.IntegerType, false)
      .add("product_id", DataTypes.StringType, false)
      .add("reason", DataTypes.StringType, false)
      .add("predicted_label", DataTypes.StringType, false)
      .add("probability", DataTypes.DoubleType, false)
      .add("second_label", DataTypes.StringType)
      .add("second_probability", DataTypes.DoubleType)
      .add("label", DataTypes.StringType)
      .add("title", DataTypes.StringType)
      .add("image_uri", DataTypes.StringType)
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType)
      .add("monitor_run_id", DataTypes.StringType, false);

  /** One row per night and class (every class of the training split, or predicted at training or tonight). */
  public static final StructType CLASSES = new StructType()
      .add("night", DataTypes.DateType, false)
      .add("label", DataTypes.StringType, false)
      .add("reference_share", DataTypes.DoubleType, false)
      .add("training_share", DataTypes.DoubleType, false)
      .add("predicted_share", DataTypes.DoubleType, false)
      .add("predicted", DataTypes.LongType, false)
      .add("mean_probability", DataTypes.DoubleType)
      .add("labelled", DataTypes.LongType, false)
      .add("agreement", DataTypes.DoubleType)
      .add("model_name", DataTypes.StringType, false)
      .add("model_version", DataTypes.StringType)
      .add("monitor_run_id", DataTypes.StringType, false)
      .add("computed_at", DataTypes.TimestampType, false);
}
