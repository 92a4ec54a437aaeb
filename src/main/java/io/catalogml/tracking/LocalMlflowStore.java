package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
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
 * model training. One writer at a time per experiment is assumed when an experiment is created.
 */
public final class LocalMlflowStore implements Tracker {
  private final Path root;
  private final LocalRegistry registry;

  private LocalMlflowStore(Path root) {
    this.root = root;
    this.registry = new LocalRegistry(this);
  }

  /** Opens (and creates when missing) the store in {@code folder}. */
  public static LocalMlflowStore open(Path folder) {
    LocalMlflowStore store = new LocalMlflowStore(folder.toAbsolutePath().normalize());
    try {
      Path defaultExperiment = store.root.resolve("0").resolve("meta.yaml");
      if (!Files.exists(defaultExperiment)) {
        store.writeExperiment("0", "Default");
      }
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(store.root, "create the store", e.toString());
    }
    return store;
  }

  @Override
  public synchronized TrackedRun startRun(String experiment, String runName) {
    try {
      String experimentId = findExperiment(experiment).orElse(null);
      if (experimentId == null) {
        experimentId = Long.toString(ThreadLocalRandom.current().nextLong(100_000_000_000_000_000L, Long.MAX_VALUE));
        writeExperiment(experimentId, experiment);
      }
      tagKindUnlessTagged(root.resolve(experimentId));
      String runId = UUID.randomUUID().toString().replace("-", "");
      return LocalRun.start(this, root.resolve(experimentId).resolve(runId), experimentId, runId, runName);
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(root, "start a run in experiment " + experiment, e.toString());
    }
  }

  /** Reads the tag file of every active run in the experiment's folder; the oldest run by start time wins. */
  @Override
  public synchronized TrackedRun runTagged(String experiment, String tagKey, String tagValue, String runName) {
    String key = Names.key(tagKey);
    String value = Names.value(tagValue, Names.MAX_TAG_VALUE);
    try {
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
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(root, "find the run of " + experiment + " tagged " + key + " = " + value,
          e.toString());
    }
    return RunTags.tagged(startRun(experiment, runName), Map.of(tagKey, tagValue));
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
