package io.catalogml.train;

import io.catalogml.model.InputSpec;
import io.catalogml.model.LabelMap;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;

import io.catalogml.core.CatalogErrors;
import io.catalogml.lake.DeltaTables;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.FeatureTables;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.preprocess.TitleGroups;
import io.catalogml.preprocess.text.TextPipeline;
import io.delta.tables.DeltaTable;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The features a model is trained and evaluated on: {@code silver.features} read at one Delta
 * version (recorded with the model), checked to come from one text pipeline and one image
 * setting, with the labels of the training split.
 */
final class TrainData {
  final String table;
  final long featuresVersion;
  final List<Long> productsVersions;
  final TextPipeline textPipeline;
  final String imageSpec;
  final int imageWidth;
  final int imageHeight;
  final LabelMap labels;
  final Map<String, Long> trainCounts;
  /** False when no labelled training product has a text id: an image-only catalogue. */
  final boolean hasText;
  private final Dataset<Row> features;

  private TrainData(String table, long featuresVersion, List<Long> productsVersions, TextPipeline textPipeline,
      String imageSpec, LabelMap labels, Map<String, Long> trainCounts, boolean hasText, Dataset<Row> features) {
    this.table = table;
    this.featuresVersion = featuresVersion;
    this.productsVersions = productsVersions;
    this.textPipeline = textPipeline;
    this.imageSpec = imageSpec;
    String[] size = imageSpec.substring(0, imageSpec.indexOf('-')).split("x");
    this.imageWidth = Integer.parseInt(size[0]);
    this.imageHeight = Integer.parseInt(size[1]);
    this.labels = labels;
    this.trainCounts = trainCounts;
    this.hasText = hasText;
    this.features = features;
  }

  /** Reads and checks the features table of the lake; {@code version} null = the current one. */
  static TrainData load(SparkSession spark, Lake lake, Long version) {
    String table = lake.names().features();
    if (!DeltaTable.isDeltaTable(spark, lake.features())) {
      throw CatalogErrors.tableMissing(table, lake.features(), "run the ingest and preprocess jobs first");
    }
    long v = version != null ? version : DeltaTables.version(DeltaTable.forPath(spark, lake.features()));
    Dataset<Row> features = FeatureTables.read(spark, lake.features(), v);
    List<String> pipelines = distinct(features, "text_pipeline_id");
    if (pipelines.size() != 1) {
      throw pipelines.isEmpty() ? CatalogErrors.emptySplit(table, TitleGroups.TRAIN)
          : CatalogErrors.mixedFeatures(table, "text pipelines", pipelines);
    }
    List<String> specs = distinct(features, "image_spec");
    if (specs.size() != 1) {
      throw CatalogErrors.mixedFeatures(table, "image settings", specs);
    }
    TextPipeline text = PreprocessStage.storedPipeline(spark, lake.features(), pipelines.get(0));
    Map<String, Long> counts = new TreeMap<>();
    features.where(col("split").equalTo(TitleGroups.TRAIN).and(col("label").isNotNull()))
        .groupBy("label").count().collectAsList().forEach(r -> counts.put(r.getString(0), r.getLong(1)));
    if (counts.isEmpty() && features.where(col("label").isNotNull()).isEmpty()) {
      throw CatalogErrors.unlabelled(table);
    }
    if (counts.size() < 2) {
      throw CatalogErrors.tooFewClasses(table, counts.size());
    }
    boolean hasText = !features.where(col("split").equalTo(TitleGroups.TRAIN).and(col("label").isNotNull())
        .and(size(col("title_ids")).gt(0).or(size(col("description_ids")).gt(0))
            .or(coalesce(size(col(FeatureTables.SUBWORD_IDS)), lit(0)).gt(0)))).isEmpty();
    List<Long> products = features.select("products_version").distinct().collectAsList().stream()
        .map(r -> r.getLong(0)).sorted().toList();
    return new TrainData(table, v, products, text, specs.get(0), LabelMap.of(counts.keySet()), counts, hasText,
        features);
  }

  private static List<String> distinct(Dataset<Row> features, String column) {
    return features.select(column).distinct().collectAsList().stream().map(r -> r.getString(0)).sorted().toList();
  }

  /** Labelled rows of a split ({@code train}, {@code validation}, {@code test}); fails when it is empty. */
  Dataset<Row> split(String split) {
    Dataset<Row> rows = labelled(split);
    if (rows.isEmpty()) {
      throw CatalogErrors.emptySplit(table, split);
    }
    return rows;
  }

  /** Labelled rows of a split, possibly none; {@code all} = every split. */
  Dataset<Row> labelled(String split) {
    Dataset<Row> rows = features.where(col("label").isNotNull());
    return "all".equals(split) ? rows : rows.where(col("split").equalTo(split));
  }

  /**
   * Why a model with {@code spec} cannot read these features, if it cannot: its token ids come
   * from another text pipeline, or its images have another size or fit.
   *
   * @param what what differs, e.g. {@code images}
   * @param model the model's value
   * @param features the features' value, phrased for "the features were made with ..."
   */
  record Mismatch(String what, String model, String features) {}

  Optional<Mismatch> mismatch(InputSpec spec) {
    if (!spec.textPipelineId().equals(textPipeline.id())) {
      return Optional.of(new Mismatch("token ids of text pipeline", spec.textPipelineId(),
          "text pipeline " + textPipeline.id()));
    }
    if (!spec.imageSpec().equals(imageSpec)) {
      return Optional.of(new Mismatch("images", spec.imageSpec(), "images " + imageSpec));
    }
    return Optional.empty();
  }

  /** Labelled products in the training split. */
  long trainExamples() {
    return trainCounts.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Loss weights: total / (classes × count), in label order. */
  double[] classWeights() {
    long total = trainExamples();
    double[] w = new double[labels.size()];
    for (int i = 0; i < w.length; i++) {
      w[i] = (double) total / (labels.size() * trainCounts.get(labels.label(i)));
    }
    return w;
  }

  /** Table versions for the model card and the run's tags. */
  Map<String, Object> inputs() {
    Map<String, Object> m = new TreeMap<>();
    m.put("features_table", table);
    m.put("features_version", featuresVersion);
    m.put("products_versions", productsVersions);
    m.put("text_pipeline_id", textPipeline.id());
    m.put("image_spec", imageSpec);
    return m;
  }
}
