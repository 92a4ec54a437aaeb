package io.catalogml.cli;

import io.catalogml.maintain.MaintainStage;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml maintain}: OPTIMIZE and VACUUM every table of the lake with the configured retention. */
@Command(name = "maintain", mixinStandardHelpOptions = true,
    description = {
        "Table upkeep of every Delta table of the lake (a table not created yet is",
        "skipped, and named): set its file retention to maintain.retention",
        "(delta.deletedFileRetentionDuration, 7 days), compact its small files",
        "(OPTIMIZE), then VACUUM the data files that left it longer ago than that:",
        "time travel to older versions stops working. Readers see the same rows.",
        "One row per table goes to gold.maintenance. Prints the result as JSON",
        "(last line): files and bytes of each table's snapshot and folder, before",
        "and after."})
final class MaintainCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--dry-run", description = "Print what would be compacted and which files VACUUM DRY RUN "
      + "would delete (with each table's retention as it is now); write nothing.")
  boolean dryRun;

  @Override
  public Integer call() {
    return JobRunner.run(MaintainStage.JOB, options::load, (spark, config) -> dryRun
        ? new MaintainStage(spark, config).plan() : new MaintainStage(spark, config).execute());
  }
}
