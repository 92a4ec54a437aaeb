package io.catalogml.cli;

import io.catalogml.score.ScoreStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml score}: the model's prediction for every product into gold.predictions. */
@Command(name = "score", mixinStandardHelpOptions = true,
    description = {
        "Score bronze.products with a trained model into gold.predictions (MERGE on product_id, change data feed on):",
        "incrementally (new, changed or scored by another model) unless --full; products the model cannot score go to",
        "gold.score_quarantine with the reason. Exit 75 when another writer won the table more times than",
        "lake.conflict-retries. Prints the result as JSON (last line)."})
final class ScoreCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--model", paramLabel = "URI|FOLDER",
      description = "models:/NAME@ALIAS, models:/NAME/VERSION or a model package folder "
          + "(default: score.model, else models:/<model.name>@champion).")
  String model;

  @Option(names = "--full", description = "Rescore every product, not only new and changed ones.")
  boolean full;

  @Override
  public Integer call() {
    return JobRunner.runTracked("score", options::load,
        (spark, config, run, registry) -> new ScoreStage(spark, config, run, registry, model, full).execute());
  }
}
