package io.catalogml.cli;

import io.catalogml.train.TrainStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml train}: silver.features into a trained, evaluated, registered model. */
@Command(name = "train", mixinStandardHelpOptions = true,
    description = {
        "Train the classifier of model.* on silver.features, data-parallel on Spark (DL4J) or with MLlib.",
        "Validates every epoch, checkpoints to train.checkpoint-dir, evaluates the best model on the test split,",
        "logs everything to the tracker and registers a model version (alias candidate; champion when it wins).",
        "Prints the result as JSON (last line)."})
final class TrainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--resume",
      description = "Continue the last unfinished run in train.checkpoint-dir from its last checkpoint.")
  boolean resume;

  @Override
  public Integer call() {
    return JobRunner.runTracked("train", options::load,
        (spark, config, run, registry) -> new TrainStage(spark, config, run, registry, resume).execute());
  }
}
