package io.catalogml.train;

import io.catalogml.model.ModelPackage;
import io.catalogml.evaluate.Evaluator;

import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.tracking.ModelRegistry;
import java.nio.file.Path;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Decides whether a new version becomes the {@code champion}: when there is none yet, or when it
 * beats the current champion's weighted F1 on the same test split (the champion is downloaded
 * and evaluated now, so both scores come from the same rows). A champion made from other
 * features (another text pipeline or image size) cannot be scored on these rows; it then stays,
 * and the reason says how to compare them.
 *
 * @param promoted whether the alias moved to the new version
 * @param previousChampion the version the alias pointed at before, if any
 * @param championScore that version's test weighted F1 on the same split, when it could be computed
 * @param reason one sentence for the result and the run's tags
 */
record Promotion(boolean promoted, String previousChampion, Double championScore, String reason) {
  static final String CHAMPION = "champion";
  static final String CANDIDATE = "candidate";

  static Promotion decide(SparkSession spark, ModelRegistry registry, String name, double score, TrainData data,
      Dataset<Row> test, Path workDir) {
    Optional<ModelRegistry.ModelVersion> current = registry.alias(name, CHAMPION);
    if (current.isEmpty()) {
      return new Promotion(true, null, null, "no champion yet");
    }
    String version = current.get().version();
    ModelPackage champion = ModelPackage.read(registry.download("models:/" + name + "@" + CHAMPION,
        workDir.resolve("champion-v" + version)));
    Optional<TrainData.Mismatch> mismatch = data.mismatch(champion.spec());
    if (mismatch.isPresent()) {
      TrainData.Mismatch m = mismatch.get();
      return new Promotion(false, version, null, "champion v" + version + " reads " + m.what() + " " + m.model()
          + " but these features were made with " + m.features() + ", so it cannot be scored on this test split; "
          + "it stays champion: compare them with `evaluate`, then move the alias by hand");
    }
    ClassificationReport report = Evaluator.evaluate(champion.classifier(spark), test);
    double championScore = report.weightedF1();
    boolean better = score > championScore;
    return new Promotion(better, version, championScore, String.format(java.util.Locale.ROOT,
        "test weighted F1 %.4f %s champion v%s's %.4f on the same split", score, better ? "beats" : "does not beat",
        version, championScore));
  }
}
