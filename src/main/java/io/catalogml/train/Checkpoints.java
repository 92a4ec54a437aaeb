package io.catalogml.train;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import io.catalogml.model.Dl4jRuntime;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Optional;
import java.util.stream.Stream;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * The folder of one train run under {@code train.checkpoint-dir}: a checkpoint per epoch
 * ({@code epoch-0003.zip}, network and updater state), {@code state.json}, and the run's outputs
 * ({@code model/}, {@code evaluation/}, {@code work/}). The state is replaced atomically after
 * its checkpoint is complete, so a run killed at any moment resumes from a whole epoch.
 */
public final class Checkpoints {
  static final String STATE = "state.json";
  private final Path folder;

  private Checkpoints(Path folder) {
    this.folder = folder;
  }

  /** A new run folder. */
  static Checkpoints create(Path root, String runId) {
    Path folder = root.resolve(runId);
    try {
      Files.createDirectories(folder);
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder, e);
    }
    return new Checkpoints(folder);
  }

  /** The most recently updated run under {@code root} whose state is still {@code running}. */
  static Optional<Checkpoints> latestUnfinished(Path root) {
    if (!Files.isDirectory(root)) {
      return Optional.empty();
    }
    try (Stream<Path> runs = Files.list(root)) {
      return runs.filter(p -> Files.isRegularFile(p.resolve(STATE)))
          .map(Checkpoints::new)
          .filter(c -> TrainState.RUNNING.equals(c.state().status()) && c.state().epochsDone() > 0)
          .max(Comparator.comparing(c -> lastModified(c.folder.resolve(STATE))));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Saves the network after {@code state.epochsDone()} epochs, then the state. */
  void save(ComputationGraph net, TrainState state) {
    try {
      Path zip = checkpoint(state.epochsDone());
      Path partial = zip.resolveSibling(zip.getFileName() + ".partial");
      ModelSerializer.writeModel(net, partial.toFile(), true);
      Files.move(partial, zip, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      writeState(state);
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder, e);
    }
  }

  /** Replaces {@code state.json}. */
  void writeState(TrainState state) {
    try {
      Path tmp = folder.resolve(STATE + ".partial");
      Files.writeString(tmp, Json.pretty(state));
      Files.move(tmp, folder.resolve(STATE), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder.resolve(STATE), e);
    }
  }

  /** The saved state. */
  TrainState state() {
    try {
      return Json.mapper().readValue(folder.resolve(STATE).toFile(), TrainState.class);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * For each {@code n} of {@code sizes}, a network whose weights are the mean of those saved after the
   * {@code n} epochs up to {@code to} ({@code to - n + 1} to {@code to}), read in one pass from {@code to}
   * backwards. The updater state is epoch {@code to}'s: the networks are packaged, not trained on.
   */
  java.util.SortedMap<Integer, ComputationGraph> means(int to, java.util.SortedSet<Integer> sizes) {
    java.util.SortedMap<Integer, ComputationGraph> means = new java.util.TreeMap<>();
    if (sizes.isEmpty()) {
      return means;
    }
    ComputationGraph last = load(to);
    org.nd4j.linalg.api.ndarray.INDArray sum = last.params().dup();
    for (int n = 1; n <= sizes.last(); n++) {
      if (n > 1) {
        sum.addi(restore(to - n + 1, false).params());
      }
      if (sizes.contains(n)) {
        ComputationGraph mean = last.clone();
        mean.setParams(sum.div(n));
        means.put(n, mean);
      }
    }
    return means;
  }

  /** The network (with its updater state) after {@code epoch} epochs. */
  ComputationGraph load(int epoch) {
    return restore(epoch, true);
  }

  /** The network after {@code epoch} epochs, with its updater state or without (weights only). */
  private ComputationGraph restore(int epoch, boolean updater) {
    Dl4jRuntime.configure();
    try {
      return ModelSerializer.restoreComputationGraph(checkpoint(epoch).toFile(), updater);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Path checkpoint(int epoch) {
    return folder.resolve(String.format("epoch-%04d.zip", epoch));
  }

  /** The run folder. */
  public Path folder() {
    return folder;
  }

  /** Where the model package is written. */
  Path modelDir() {
    return folder.resolve("model");
  }

  /** Where reports and plots are written. */
  Path evaluationDir() {
    return folder.resolve("evaluation");
  }

  /** Scratch files (DL4J's work files, a downloaded champion). */
  Path workDir() {
    return folder.resolve("work");
  }

  private static java.nio.file.attribute.FileTime lastModified(Path p) {
    try {
      return Files.getLastModifiedTime(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
