package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;

/**
 * A {@link Tracker} writing MLflow's own file-store layout under a local folder (default
 * {@code ./mlruns}), used when {@code tracking.uri} is empty: {@code mlflow ui --backend-store-uri
 * ./mlruns} shows the runs, and the Python client reads them and the registry
 * ({@code mlruns/models/<name>/}, aliases included).
 *
 * <pre>
 * mlruns/&lt;experiment id&gt;/{meta.yaml, tags/}
 * mlruns/&lt;experiment id&gt;/&lt;run id&gt;/{meta.yaml, params/, metrics/, tags/, artifacts/}
 * mlruns/models/&lt;name&gt;/{meta.yaml, aliases/&lt;alias&gt;, version-&lt;n&gt;/meta.yaml}
 * </pre>
 *
 * <p>Every experiment a run starts in is tagged {@value RunTags#EXPERIMENT_KIND} =
 * {@value RunTags#MODEL_DEVELOPMENT} (an existing one when it lacks the tag), MLflow 3's kind for
 * model training.
 *
 * <p>Jobs started together on one store are separate JVMs writing the same folder. Every step that
 * reads the store and then writes what it found missing (the default experiment, an experiment
 * by name, the run with a tag, a model version's number, a registered model's aliases) runs under
 * {@link #locked}: a lock per folder inside the JVM, then an OS file lock on {@value #LOCK_FILE}
 * across processes, released by the OS when a job is killed. Files are replaced atomically, so a
 * reader never sees half of one.
 */
public final class LocalMlflowStore implements Tracker {
  /** The file the store's writers lock; MLflow lists only folders, so it ignores it. */
  static final String LOCK_FILE = ".catalog-ml.lock";
  private static final ConcurrentHashMap<Path, ReentrantLock> JVM_LOCKS = new ConcurrentHashMap<>();
  private final Path root;
  private final LocalRegistry registry;

  private LocalMlflowStore(Path root) {
    this.root = root;
    this.registry = new LocalRegistry(this);
  }

  /** Opens (and creates when missing) the store in {@code folder}. */
  public static LocalMlflowStore open(Path folder) {
    LocalMlflowStore store = new LocalMlflowStore(folder.toAbsolutePath().normalize());
    store.locked("create the store", () -> {
      if (!Files.exists(store.root.resolve("0").resolve("meta.yaml"))) {
        store.writeExperiment("0", "Default");
      }
      return null;
    });
    return store;
  }

  /**
   * Runs {@code action} holding the store's lock, shared by every {@code LocalMlflowStore} and
   * {@link LocalRegistry} of this folder in this JVM and by every other process; reentrant.
   */
  <T> T locked(String what, StoreAction<T> action) {
    ReentrantLock inJvm;
    try {
      // By the real path: a JVM holding the file lock through one spelling of the folder cannot take it through another.
      inJvm = JVM_LOCKS.computeIfAbsent(Files.createDirectories(root).toRealPath(), r -> new ReentrantLock());
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(root, what, e.toString());
    }
    inJvm.lock();
    try {
      if (inJvm.getHoldCount() > 1) {
        return action.run();
      }
      try (FileChannel channel = FileChannel.open(root.resolve(LOCK_FILE), StandardOpenOption.CREATE,
          StandardOpenOption.WRITE); FileLock acrossProcesses = channel.lock()) {
        return action.run();
      }
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(root, what, e.toString());
    } finally {
      inJvm.unlock();
    }
  }

  /** A step on the store's files, run by {@link #locked}. */
  @FunctionalInterface
  interface StoreAction<T> {
    T run() throws IOException;
  }

  @Override
  public TrackedRun startRun(String experiment, String runName) {
    return locked("start a run in experiment " + experiment, () -> {
      String experimentId = findExperiment(experiment).orElse(null);
      if (experimentId == null) {
        experimentId = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000_000_000L, Long.MAX_VALUE));
        writeExperiment(experimentId, experiment);
      }
      tagKindUnlessTagged(root.resolve(experimentId));
      String runId = UUID.randomUUID().toString().replace("-", "");
      return LocalRun.start(this, root.resolve(experimentId).resolve(runId), experimentId, runId, runName);
    });
  }

  /** Reads the tag file of every active run in the experiment's folder; the oldest run by start time wins. */
  @Override
  public TrackedRun runTagged(String experiment, String tagKey, String tagValue, String runName) {
    String key = Names.key(tagKey);
    String value = Names.value(tagValue, Names.MAX_TAG_VALUE);
    return locked("find the run of " + experiment + " tagged " + key + " = " + value, () -> {
      Optional<String> experimentId = findExperiment(experiment);
      if (experimentId.isPresent()) {
        Path found = null;
        long oldest = Long.MAX_VALUE;
        try (Stream<Path> runs = Files.list(root.resolve(experimentId.get()))) {
          for (Path run : runs.filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).toList()) {
            Path tag = run.resolve("tags").resolve(key);
            if (!Files.isRegularFile(tag) || !Files.readString(tag, StandardCharsets.UTF_8).equals(value)) {
              continue;
            }
            Map<String, Object> meta = FileStoreYaml.read(run.resolve("meta.yaml"));
            long started = meta.get("start_time") instanceof Number n ? n.longValue() : Long.MAX_VALUE;
            if ("active".equals(meta.get("lifecycle_stage")) && (found == null || started < oldest)) {
              found = run;
              oldest = started;
            }
          }
        }
        if (found != null) {
          return LocalRun.open(this, found);
        }
      }
      return RunTags.tagged(startRun(experiment, runName), Map.of(tagKey, tagValue));
    });
  }

  private Optional<String> findExperiment(String name) throws IOException {
    try (Stream<Path> dirs = Files.list(root)) {
      for (Path meta : dirs.map(d -> d.resolve("meta.yaml")).filter(Files::isRegularFile).toList()) {
        Map<String, Object> m = FileStoreYaml.read(meta);
        if (name.equals(m.get("name")) && "active".equals(m.get("lifecycle_stage"))) {
          return Optional.of(String.valueOf(m.get("experiment_id")));
        }
      }
    }
    return Optional.empty();
  }

  private void writeExperiment(String id, String name) throws IOException {
    long now = System.currentTimeMillis();
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_location", fileUri(root.resolve(id)));
    meta.put("creation_time", now);
    meta.put("experiment_id", id);
    meta.put("last_update_time", now);
    meta.put("lifecycle_stage", "active");
    meta.put("name", name);
    FileStoreYaml.write(root.resolve(id).resolve("meta.yaml"), meta);
  }

  private static void tagKindUnlessTagged(Path experimentDir) throws IOException {
    Path tag = experimentDir.resolve("tags").resolve(RunTags.EXPERIMENT_KIND);
    if (!Files.exists(tag)) {
      Files.createDirectories(tag.getParent());
      Files.writeString(tag, RunTags.MODEL_DEVELOPMENT, StandardCharsets.UTF_8);
    }
  }

  /** The folder of a run, whatever its experiment. */
  Optional<Path> runFolder(String runId) {
    try (Stream<Path> dirs = Files.list(root)) {
      return dirs.map(d -> d.resolve(runId)).filter(d -> Files.isRegularFile(d.resolve("meta.yaml"))).findFirst();
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(root, "find run " + runId, e.toString());
    }
  }

  Path root() {
    return root;
  }

  @Override
  public ModelRegistry registry() {
    return registry;
  }

  @Override
  public String uri() {
    return fileUri(root);
  }

  static String fileUri(Path path) {
    return "file://" + path.toAbsolutePath().normalize().toUri().getRawPath().replaceAll("/$", "");
  }

  @Override
  public void close() {
    // nothing to release
  }
}
