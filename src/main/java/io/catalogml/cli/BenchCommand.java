package io.catalogml.cli;

import io.catalogml.bench.IngestBenchmark;
import io.catalogml.bench.PreprocessBenchmark;
import io.catalogml.bench.ScoreBenchmark;
import io.catalogml.bench.StepBenchmark;
import io.catalogml.bench.TrainBenchmark;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code catalog-ml bench ingest}: times a stage on a real drop and prints a table. */
@Command(name = "bench", mixinStandardHelpOptions = true,
    description = {"Benchmark a stage on real data in a fresh temporary lake and print a table.",
        "Stages: ingest, preprocess, train, score, and step (one DL4J training step in one JVM, no data). Examples:",
        "  bench ingest --conf conf/examples/fashion.conf --input ../shared/data/fashion-products",
        "  bench step --conf conf/examples/fashion.conf --profile"})
final class BenchCommand implements Callable<Integer> {
  @Parameters(index = "0", paramLabel = "STAGE", description = "Stage to benchmark: ingest, preprocess, train, score or step.")
  String stage;

  @Mixin
  JobOptions options;

  @Option(names = "--input", paramLabel = "DIR", description = "Folder of the drop (sets source.input).")
  String input;

  @Option(names = "--large", paramLabel = "N", defaultValue = "2000",
      description = "preprocess: how many drop images to upscale to 500x500 for the large-image phase.")
  int large;

  @Option(names = "--python", paramLabel = "PYTHON", defaultValue = ".venv/bin/python",
      description = "preprocess: a Python with Pillow, for Pillow's decode figure (default: ${DEFAULT-VALUE}, which jobs/test.sh installs).")
  String python;

  @Option(names = "--examples", paramLabel = "N", defaultValue = "2000",
      description = "train: training rows in the timed epoch of each cell.")
  int examples;

  @Option(names = "--epochs", paramLabel = "N", defaultValue = "1",
      description = "train: timed epochs per cell; the table gives the median (default: ${DEFAULT-VALUE}).")
  int epochs;

  @Option(names = "--cores", paramLabel = "N", split = ",", defaultValue = "1,2",
      description = "train: Spark local core counts to measure (default: ${DEFAULT-VALUE}).")
  List<Integer> cores;

  @Option(names = "--serializers", paramLabel = "NAME", split = ",", defaultValue = "kryo",
      description = "train: Spark serialisers to measure each cell with: kryo (the jobs' default), java "
          + "(Spark's own, the baseline), or both as kryo,java (default: ${DEFAULT-VALUE}).")
  List<String> serializers;

  @Option(names = "--rows", paramLabel = "N", defaultValue = "1000000",
      description = "score: products of the catalogue scored with the MLlib baseline (default: ${DEFAULT-VALUE}).")
  long rows;

  @Option(names = "--fusion-rows", paramLabel = "N", defaultValue = "20000",
      description = "score: products of the catalogue scored with the fusion network (default: ${DEFAULT-VALUE}).")
  long fusionRows;

  @Option(names = "--modes", paramLabel = "MODE", split = ",", defaultValue = "text,image,fusion",
      description = "step: network modes to measure (default: ${DEFAULT-VALUE}).")
  List<String> modes;

  @Option(names = "--steps", paramLabel = "N", defaultValue = "40",
      description = "step: timed training steps per cell, after 10 untimed (default: ${DEFAULT-VALUE}).")
  int steps;

  @Option(names = "--vocabulary", paramLabel = "N", defaultValue = "5300",
      description = "step: token vocabulary of the embedding; the fashion catalogue's is about 5,300 (default: ${DEFAULT-VALUE}).")
  int vocabulary;

  @Option(names = "--profile", description = "step: also time every ND4J op and print where a step's time goes.")
  boolean profile;

  @Override
  public Integer call() {
    if (!List.of("ingest", "preprocess", "train", "score", "step").contains(stage)) {
      System.err.println("catalog-ml bench: unknown stage '" + stage + "'; available: ingest, preprocess, train, score, step");
      return 2;
    }
    Path lake = tempLake();
    try {
      List<String> extra = new ArrayList<>();
      extra.add("lake.root=" + lake);
      if (input != null) {
        extra.add("source.input=" + input);
      }
      CatalogConfig config = options.load(extra.toArray(String[]::new));
      Object result = switch (stage) {
        case "ingest" -> new IngestBenchmark(config, System.out).execute();
        case "preprocess" -> new PreprocessBenchmark(config, lake, large, python, System.out).execute();
        case "score" -> new ScoreBenchmark(more -> {
          List<String> all = new ArrayList<>(extra);
          all.addAll(more);
          return options.load(all.toArray(String[]::new));
        }, lake, rows, fusionRows, System.out).execute();
        case "step" -> new StepBenchmark(config, modes, steps, vocabulary, profile, System.out).execute();
        default -> new TrainBenchmark(config, examples, epochs, cores, serializers, System.out).execute();
      };
      System.out.println(Json.line(result));
      return 0;
    } catch (CatalogException e) {
      System.err.println("catalog-ml bench: " + e.getMessage());
      return e.exitCode();
    } finally {
      deleteQuietly(lake);
    }
  }

  private static Path tempLake() {
    try {
      return Files.createTempDirectory("catalog-ml-bench-lake");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteQuietly(Path root) {
    try (Stream<Path> paths = Files.walk(root)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      System.err.println("catalog-ml bench: could not delete " + root + ": " + e.getMessage());
    }
  }
}
