package io.catalogml.train;

import static org.apache.spark.sql.functions.col;

import io.catalogml.model.ModelPackage;
import io.catalogml.evaluate.Evaluator;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.evaluate.ConfusionMatrixPlot;
import io.catalogml.lake.Lake;
import io.catalogml.model.ModelFeatures;
import io.catalogml.model.ModelLoader;
import io.catalogml.tracking.RunTags;
import java.sql.Timestamp;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.TrackedRun;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.spark.sql.SparkSession;

/**
 * Re-evaluates a saved model on the labelled products of any catalogue, by split. The model is a
 * package folder or a registry URI ({@code models:/NAME@ALIAS}, {@code models:/NAME/VERSION});
 * its features follow the rule of {@link ModelFeatures} (silver's rows where they match the
 * model, else featurised from bronze with the model's own pipeline), so no training split, and
 * no silver at all, is needed.
 */
public final class EvaluateStage implements Stage<EvaluateResult> {
  private static final Set<String> SPLITS = Set.of("train", "validation", "test", "all");

  private final SparkSession spark;
  private final CatalogConfig config;
  private final TrackedRun run;
  private final ModelRegistry registry;
  private final String model;
  private final String split;
  private final Path output;

  public EvaluateStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry,
      String model, String split, Path output) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.registry = registry;
    this.model = model;
    this.split = split;
    this.output = output;
  }

  @Override
  public EvaluateResult execute() {
    long started = System.nanoTime();
    if (!SPLITS.contains(split)) {
      throw CatalogErrors.badConfigValue("--split", split, "", "one of: all, test, train, validation");
    }
    String id = UUID.randomUUID().toString();
    Path out = output != null ? output
        : Path.of(config.train().checkpointDir()).resolve("evaluations").resolve(id);
    ModelPackage pkg = ModelLoader.load(model, registry, out).pkg();
    Lake lake = Lake.of(config);
    ModelFeatures.Inputs inputs = ModelFeatures.read(spark, lake, config.preprocess());
    long productsVersion = inputs.productsVersion();
    Long featuresVersion = inputs.featuresVersion();
    Dataset<Row> silver = inputs.silver();
    Dataset<Row> products = inputs.products().where(col("label").isNotNull());
    if (!"all".equals(split)) {
      products = products.where(col("split").equalTo(split));
    }
    Dataset<Row> features = ModelFeatures.of(products, silver, pkg, productsVersion, id,
        new Timestamp(System.currentTimeMillis()));
    ClassificationReport report = Evaluator.evaluate(pkg.classifier(spark), features);
    report.write(out, split);
    ConfusionMatrixPlot.write(report, out.resolve("confusion-matrix-" + split + ".png"),
        pkg.card().name() + " (" + pkg.card().type() + ", " + pkg.card().mode() + "): " + split + " split");
    run.setTags(Map.of("catalogml.evaluate.model", model, "catalogml.evaluate.model-run", pkg.card().trainRunId(),
        "catalogml.evaluate.split", split));
    run.logMetrics(report.toMetrics(split + "_"), 0);
    run.logArtifact(out.resolve(split + ".json"), "evaluation");
    run.logArtifact(out.resolve(split + ".md"), "evaluation");
    run.logArtifact(out.resolve("confusion-matrix-" + split + ".png"), "evaluation");
    run.setTags(RunTags.inputVersions(featuresVersion == null ? Map.of(lake.names().products(), productsVersion)
        : Map.of(lake.names().products(), productsVersion, lake.names().features(), featuresVersion)));
    return new EvaluateResult("evaluate", model, pkg.card().trainRunId(), split, productsVersion, featuresVersion,
        report.examples(), report.accuracy(), report.weightedF1(), report.macroF1(), report.top5Accuracy(),
        out.toString(), (System.nanoTime() - started) / 1e9);
  }
}
