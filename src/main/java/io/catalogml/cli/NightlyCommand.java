package io.catalogml.cli;

import io.catalogml.nightly.NightlyStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code catalog-ml nightly}: ingest → preprocess → (train) → score → monitor (→ retrain → rescore →
 * remonitor) (→ maintain, when due) in one Spark application.
 */
@Command(name = "nightly", mixinStandardHelpOptions = true,
    description = {
        "The nightly chain in one Spark application: ingest the drop (when --input or source.input is set),",
        "preprocess incrementally, train first when the registry has no champion yet, score incrementally into",
        "gold.predictions, and monitor the night against the champion's reference; when the retrain policy",
        "(retrain.*) fires, train a candidate and, if the champion rule promotes it, rescore and monitor again;",
        "every maintain.every-nights nights (7), end with maintain: OPTIMIZE and VACUUM of every table.",
        "Each stage is recorded in MLflow as its own job records it. Prints one JSON line with each stage's",
        "result; on failure the line names the failed stage and the exit code is that stage's; exit 10 when",
        "the night's last monitor found drift."})
final class NightlyCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--input", paramLabel = "DIR", description = "Folder of tonight's drop (sets source.input).")
  String input;

  @Option(names = "--dry-run", description = "Print what each stage would do (rows to ingest, compute, score), "
      + "from the tables as they are now; write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    return JobRunner.runTracked(NightlyStage.JOB,
        () -> input == null ? options.load() : options.load("source.input=" + input),
        (spark, config, run, registry) -> new NightlyStage(spark, config, run, registry, dryRun).execute());
  }
}
