package io.catalogml.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The single entry point: {@code catalog-ml JOB [options]}. Used by {@code jobs/catalog-ml}
 * (local JVM) and {@code jobs/submit.sh} (spark-submit).
 */
@Command(name = "catalog-ml", mixinStandardHelpOptions = true, version = "catalog-ml 0.1.0",
    description = "Classify an e-commerce catalogue from text and images on Spark.",
    subcommands = {NightlyCommand.class, IngestCommand.class, PreprocessCommand.class, TrainCommand.class, ScoreCommand.class, MonitorCommand.class, FeedbackCommand.class, MaintainCommand.class, EvaluateCommand.class, ConfigCommand.class, BenchCommand.class,
        CommandLine.HelpCommand.class})
public final class Main implements Runnable {
  @Override
  public void run() {
    new CommandLine(this).usage(System.err);
  }

  /** Runs the command line and returns the exit code (0 = success). */
  public static int run(String... args) {
    return new CommandLine(new Main()).execute(args);
  }

  public static void main(String[] args) {
    System.exit(run(args));
  }
}
