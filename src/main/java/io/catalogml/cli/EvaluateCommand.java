package io.catalogml.cli;

import io.catalogml.train.EvaluateStage;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml evaluate}: a saved model on a split of the current features. */
@Command(name = "evaluate", mixinStandardHelpOptions = true,
    description = {
        "Evaluate a saved model (a model folder, or models:/NAME@ALIAS or models:/NAME/VERSION) on a split",
        "of silver.features: per-class report (JSON, Markdown), confusion matrix PNG, top-k accuracy.",
        "Prints the result as JSON (last line)."})
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--model", required = true, paramLabel = "FOLDER|URI",
      description = "Model package folder, or models:/NAME@ALIAS, or models:/NAME/VERSION.")
  String model;

  @Option(names = "--split", defaultValue = "test", paramLabel = "SPLIT",
      description = "train, validation, test or all (default: ${DEFAULT-VALUE}).")
  String split;

  @Option(names = "--output", paramLabel = "DIR",
      description = "Folder for the report and plots (default: <train.checkpoint-dir>/evaluations/<run>).")
  Path output;

  @Override
  public Integer call() {
    return JobRunner.runTracked("evaluate", options::load,
        (spark, config, run, registry) -> new EvaluateStage(spark, config, run, registry, model, split, output)
            .execute());
  }
}
