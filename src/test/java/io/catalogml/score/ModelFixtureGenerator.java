package io.catalogml.score;

import io.catalogml.config.CatalogConfig;
import io.catalogml.train.TrainFixtures;
import io.catalogml.train.TrainResult;
import io.catalogml.train.TrainStage;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.tracking.Tracker;
import io.catalogml.tracking.Trackers;
import io.catalogml.SparkTestBase;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;

/**
 * Regenerates the committed model package and its predictions, only when asked:
 * {@code mvn test -Dtest=ModelFixtureGenerator -Dcatalogml.regenerate=true}. A small fusion network
 * trained on the bundled sample; {@link CommittedModelTest} checks that this version still reads it
 * and scores it identically.
 */
@EnabledIfSystemProperty(named = "catalogml.regenerate", matches = "true")
class ModelFixtureGenerator extends SparkTestBase {
  @TempDir
  Path dir;

  @Test
  void regenerate() throws Exception {
    CatalogConfig config = TrainFixtures.preprocessedSample(spark, dir.resolve("train"),
        "model.mode=fusion", "model.text.embedding-size=8", "model.image.filters=[4, 8]", "model.hidden-size=16",
        "train.epochs=3", "train.patience=0", "train.workers=1", "train.learning-rate=0.01", "train.batch-size=32", "model.dropout=0.0");
    TrainResult trained;
    try (Tracker tracker = Trackers.open(config.tracking());
        TrackedRun run = tracker.startRun("catalog-ml/train", "fixture")) {
      trained = new TrainStage(spark, config, run, tracker.registry(), false).execute();
      run.end(TrackedRun.RunStatus.FINISHED, null);
    }
    Path target = ScoreFixtures.FUSION_PACKAGE;
    if (Files.exists(target)) {
      try (var paths = Files.walk(target)) {
        paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      }
    }
    io.catalogml.Fixtures.copyTree(Path.of(trained.modelPath()), target);
    CatalogConfig scoring = ScoreFixtures.ingestedSample(spark, dir.resolve("score"));
    ScoreFixtures.score(spark, scoring, target.toString(), false);
    List<Row> rows = spark.read().format("delta").load(io.catalogml.lake.Lake.of(scoring).predictions())
        .select("product_id", "predicted_label", "probability").orderBy("product_id").collectAsList();
    Files.writeString(ScoreFixtures.FUSION_PREDICTIONS, "product_id,predicted_label,probability\n"
        + rows.stream().map(r -> r.getString(0) + "," + r.getString(1) + ","
            + String.format(Locale.ROOT, "%.7f", r.getDouble(2))).collect(Collectors.joining("\n")) + "\n");
  }
}
