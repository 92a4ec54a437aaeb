package io.catalogml.cli;

import io.catalogml.monitor.MonitorStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml monitor}: last night's predictions and inputs against the model's reference. */
@Command(name = "monitor", mixinStandardHelpOptions = true,
    description = {
        "Compare gold.predictions and the inputs behind them with the model's own reference (the model applied at",
        "training to the labelled catalogue it was trained on: predicted class mix, confidence, agreement, inputs):",
        "one row per night in gold.monitoring,",
        "one per class in gold.monitoring_classes, a report (Markdown + PNG) under <lake>/reports/monitor/<night>/",
        "and in the MLflow run. Exit 10 when a metric is over its monitor.* threshold (status drift). Prints the",
        "result as JSON (last line)."})
final class MonitorCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--model", paramLabel = "URI|FOLDER",
      description = "The model whose predictions are monitored (default: as score resolves it).")
  String model;

  @Option(names = "--night", paramLabel = "YYYY-MM-DD", description = "Night the rows are for (sets monitor.night; "
      + "default today, UTC).")
  String night;

  @Override
  public Integer call() {
    return JobRunner.runTracked(MonitorStage.JOB,
        () -> night == null ? options.load() : options.load("monitor.night=" + night),
        (spark, config, run, registry) -> new MonitorStage(spark, config, run, registry, model).execute());
  }
}
