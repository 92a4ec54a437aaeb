package io.catalogml.tracking;

import io.catalogml.tracking.TrackedRun.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One of the writer processes of {@link LocalStoreWritersTest}: waits for the start file, then
 * opens a new local store and, in each of a few experiments, starts a run, registers its model as
 * a new version and points the writer's own alias at it, and finds or starts the run tagged
 * {@code shared}. Exits 0 when every call succeeded; otherwise prints the failure and exits 1.
 *
 * <p>Arguments: the store folder, the start file, the writer's name, the number of experiments.
 */
public final class LocalStoreWriter {
  private LocalStoreWriter() {}

  public static void main(String[] args) throws Exception {
    Path store = Path.of(args[0]);
    Path go = Path.of(args[1]);
    String name = args[2];
    int experiments = Integer.parseInt(args[3]);
    Path model = Files.createTempDirectory("writer-" + name).resolve("model");
    Files.createDirectories(model);
    Files.writeString(model.resolve("MLmodel"), "written by " + name + "\n");
    while (!Files.exists(go)) {
      Thread.sleep(2);
    }
    try (LocalMlflowStore tracker = LocalMlflowStore.open(store)) {
      for (int i = 0; i < experiments; i++) {
        try (TrackedRun run = tracker.startRun("experiment-" + i, name + "-" + i)) {
          run.logArtifact(model, "");
          ModelRegistry.ModelVersion v = tracker.registry().createVersion("shared-model", run.runId(), "model");
          tracker.registry().setAlias("shared-model", name, v.version());
          run.end(RunStatus.FINISHED, null);
        }
        try (TrackedRun history = tracker.runTagged("history", "kind", "shared", "shared history")) {
          history.logMetrics(java.util.Map.of("writes", 1.0), System.nanoTime());
        }
      }
    } catch (RuntimeException e) {
      e.printStackTrace();
      System.exit(1);
    }
  }
}
