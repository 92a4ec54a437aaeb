package io.catalogml.train;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Both DL4J training masters train real networks on local[2] from the preprocessed fashion
 * sample: a few epochs must lift validation accuracy well above the majority class.
 */
class SparkTrainerTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static CatalogConfig base;

  @BeforeAll
  static void sample() {
    base = TrainFixtures.preprocessedSample(spark, dir);
  }

  @ParameterizedTest
  @CsvSource({"averaging,fusion,4"})
  void trainsAboveTheMajorityClass(String master, String mode, int epochs) {
    CatalogConfig config = TrainFixtures.config(dir, dir.resolve("drop"), "train.master=" + master,
        "model.mode=" + mode);
    Dataset<Row> features = spark.read().format("delta").load(Lake.of(config).features());
    Dataset<Row> train = features.where(col("split").equalTo("train"));
    LabelMap labels = LabelMap.of(train.select("label").distinct().collectAsList().stream()
        .map(r -> r.getString(0)).toList());
    int vocabulary = 2 + features.selectExpr("max(array_max(title_ids))").head().getInt(0);
    InputSpec spec = new InputSpec(config.model().mode(), 16, vocabulary, 64, 64, "any", "64x64-pad");
    ComputationGraph net = NetworkFactory.build(config.model(), spec, labels.size(), 0.001, 7, null);
    try (SparkTrainer trainer = new SparkTrainer(spark, net, config.train(), spec, labels, train, 2,
        dir.resolve("export-" + master + mode).toUri().toString())) {
      for (int e = 0; e < epochs; e++) {
        net = trainer.fitEpoch();
        System.out.println("epoch " + e + " score " + trainer.score() + " acc " + accuracy(net, spec, labels, features));
      }
    }
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Broadcast<byte[]> bytes = sc.broadcast(Predictor.bytes(net));
    Predictor predictor = new Predictor(bytes, spec, 64);
    List<Predictor.Prediction> predictions = features.where(col("split").equalTo("validation"))
        .select(FeatureBatches.COLUMNS[0], "label", "title_ids", "description_ids", "image_ok", "image")
        .javaRDD().mapPartitions(predictor::predict).collect();
    long correct = predictions.stream().filter(p -> labels.index(p.label()) == argmax(p.probabilities())).count();
    Map<String, Long> counts = predictions.stream().collect(Collectors.groupingBy(Predictor.Prediction::label,
        Collectors.counting()));
    long majority = counts.values().stream().mapToLong(Long::longValue).max().orElseThrow();
    System.out.printf("%s %s: %d/%d correct, majority %d%n", master, mode, correct, predictions.size(), majority);
    assertThat(predictions).hasSize((int) features.where(col("split").equalTo("validation")).count());
    assertThat(correct).isGreaterThan(2 * majority);
  }

  static long accuracy(ComputationGraph net, InputSpec spec, LabelMap labels, Dataset<Row> features) {
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    Predictor predictor = new Predictor(sc.broadcast(Predictor.bytes(net)), spec, 64);
    return features.where(col("split").equalTo("validation"))
        .select(FeatureBatches.COLUMNS[0], "label", "title_ids", "description_ids", "image_ok", "image")
        .javaRDD().mapPartitions(predictor::predict).collect().stream()
        .filter(p -> labels.index(p.label()) == argmax(p.probabilities())).count();
  }

  static int argmax(float[] p) {
    int best = 0;
    for (int i = 1; i < p.length; i++) {
      if (p[i] > p[best]) {
        best = i;
      }
    }
    return best;
  }
}
