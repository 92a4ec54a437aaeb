package io.catalogml.cli;

import io.catalogml.feedback.FeedbackStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml feedback}: label corrections into gold.feedback, validated like an ingest drop. */
@Command(name = "feedback", mixinStandardHelpOptions = true,
    description = {
        "MERGE a corrections file (CSV with header product_id,label[,reviewer][,note]) into gold.feedback, one row",
        "per product, the latest correction winning; rows with an unknown product, a label outside ingest.labels, a",
        "duplicate id or an empty field go to gold.feedback_quarantine with the reason. The next preprocess uses the",
        "corrected label in place of the catalogue's (the feature row is not recomputed), so the next training set",
        "has it. Prints the result as JSON (last line)."})
final class FeedbackCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--input", paramLabel = "FILE", required = true,
      description = "The corrections CSV file, or a folder of them.")
  String input;

  @Override
  public Integer call() {
    return JobRunner.run(FeedbackStage.JOB, options::load, (spark, config) -> new FeedbackStage(spark, config, input)
        .execute());
  }
}
