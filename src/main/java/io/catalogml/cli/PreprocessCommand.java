package io.catalogml.cli;

import io.catalogml.preprocess.PreprocessStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml preprocess}: bronze.products into silver.features. */
@Command(name = "preprocess", mixinStandardHelpOptions = true,
    description = {
        "Turn bronze.products into model-ready silver.features: text ids, resized RGB images, split.",
        "Incremental: only new or changed products are recomputed. Prints the result as JSON (last line)."})
final class PreprocessCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--full", description = "Refit the text pipeline and recompute every row.")
  boolean full;

  @Override
  public Integer call() {
    return JobRunner.run("preprocess", options::load, (spark, config) -> new PreprocessStage(spark, config, full).execute());
  }
}
