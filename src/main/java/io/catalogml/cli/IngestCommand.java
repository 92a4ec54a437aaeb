package io.catalogml.cli;

import io.catalogml.ingest.IngestStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml ingest}: a catalogue drop into bronze.products and bronze.quarantine. */
@Command(name = "ingest", mixinStandardHelpOptions = true,
    description = {
        "Validate a catalogue drop and MERGE it into the products table by product id.",
        "Rejected rows go to the quarantine table with a reason. Prints the result as JSON (last line)."})
final class IngestCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--input", paramLabel = "DIR", description = "Folder of the drop (sets source.input).")
  String input;

  @Override
  public Integer call() {
    return JobRunner.run("ingest",
        () -> input == null ? options.load() : options.load("source.input=" + input),
        (spark, config) -> new IngestStage(spark, config).execute());
  }
}
