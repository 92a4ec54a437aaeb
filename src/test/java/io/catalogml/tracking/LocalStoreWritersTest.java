package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Jobs started together on one new local store (two ingests of a new lake, a notebook beside the
 * nightly chain) are separate JVMs writing the same folder. Four real {@link LocalStoreWriter}
 * processes, released at once, create the store, the same experiments, versions of one registered
 * model, their own aliases and one shared tagged run: every call succeeds, each experiment exists
 * once with every writer's run in it, versions are numbered 1..n with none lost, and each alias
 * names a version its writer registered.
 */
class LocalStoreWritersTest {
  private static final int WRITERS = 4;
  private static final int EXPERIMENTS = 6;

  @TempDir
  Path tmp;

  @Test
  void writersStartedTogetherLoseNothingAndDuplicateNothing() throws Exception {
    Path store = tmp.resolve("mlruns");
    Path go = tmp.resolve("go");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> writers = new ArrayList<>();
    for (int w = 0; w < WRITERS; w++) {
      writers.add(new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp",
          System.getProperty("java.class.path"), LocalStoreWriter.class.getName(), store.toString(), go.toString(),
          "writer" + w, Integer.toString(EXPERIMENTS))
          .redirectErrorStream(true).redirectOutput(tmp.resolve("writer" + w + ".log").toFile()).start());
    }
    Thread.sleep(3000); // every JVM is up and polling for the start file
    Files.createFile(go);
    for (int w = 0; w < WRITERS; w++) {
      assertThat(writers.get(w).waitFor(2, TimeUnit.MINUTES)).isTrue();
      assertThat(writers.get(w).exitValue()).as(Files.readString(tmp.resolve("writer" + w + ".log"))).isZero();
    }

    Map<String, List<Path>> experimentsByName = new HashMap<>();
    try (Stream<Path> dirs = Files.list(store)) {
      for (Path meta : dirs.map(d -> d.resolve("meta.yaml")).filter(Files::isRegularFile).toList()) {
        String name = String.valueOf(FileStoreYaml.read(meta).get("name"));
        experimentsByName.computeIfAbsent(name, n -> new ArrayList<>()).add(meta.getParent());
      }
    }
    assertThat(experimentsByName.keySet()).hasSize(EXPERIMENTS + 2).contains("Default", "history");
    experimentsByName.forEach((name, dirs) -> assertThat(dirs).as("experiments named " + name).hasSize(1));
    for (int i = 0; i < EXPERIMENTS; i++) {
      assertThat(runs(experimentsByName.get("experiment-" + i).get(0))).as("runs of experiment-" + i)
          .hasSize(WRITERS);
    }
    assertThat(runs(experimentsByName.get("history").get(0))).as("the run tagged shared").hasSize(1);

    Path model = store.resolve("models/shared-model");
    Set<String> versionRuns = new HashSet<>();
    Map<String, String> runOfVersion = new HashMap<>();
    for (int v = 1; v <= WRITERS * EXPERIMENTS; v++) {
      Map<String, Object> meta = FileStoreYaml.read(model.resolve("version-" + v + "/meta.yaml"));
      assertThat(meta.get("version")).isEqualTo((long) v);
      versionRuns.add(String.valueOf(meta.get("run_id")));
      runOfVersion.put(Integer.toString(v), String.valueOf(meta.get("run_id")));
    }
    assertThat(versionRuns).as("one version per registering run").hasSize(WRITERS * EXPERIMENTS);
    assertThat(model.resolve("version-" + (WRITERS * EXPERIMENTS + 1))).doesNotExist();

    @SuppressWarnings("unchecked")
    Map<String, String> aliases = (Map<String, String>) FileStoreYaml.read(model.resolve("meta.yaml")).get("aliases");
    assertThat(aliases).hasSize(WRITERS);
    for (int w = 0; w < WRITERS; w++) {
      String version = aliases.get("writer" + w);
      assertThat(model.resolve("aliases/writer" + w)).hasContent(version);
      String runId = runOfVersion.get(version);
      String runName = Files.readString(experimentsByName.get("experiment-" + (EXPERIMENTS - 1)).get(0)
          .resolve(runId).resolve("tags/mlflow.runName"));
      assertThat(runName).as("alias writer" + w + " names its own last version").isEqualTo("writer" + w + "-"
          + (EXPERIMENTS - 1));
    }
  }

  /**
   * Threads of one JVM (a notebook's interpreter, the tests) share the store's lock, also when one
   * of them names the folder through a symbolic link: the OS lock is taken once, never twice.
   */
  @Test
  void threadsOfOneJvmShareTheLockWhateverPathNamesTheFolder() throws Exception {
    Path store = Files.createDirectories(tmp.resolve("mlruns"));
    Path link = Files.createSymbolicLink(tmp.resolve("link"), store);
    java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(4);
    try {
      List<java.util.concurrent.Future<String>> runs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        Path folder = t % 2 == 0 ? store : link;
        runs.add(pool.submit(() -> {
          try (TrackedRun run = LocalMlflowStore.open(folder).startRun("shared", "thread")) {
            return run.experimentId();
          }
        }));
      }
      Set<String> experiments = new HashSet<>();
      for (java.util.concurrent.Future<String> run : runs) {
        experiments.add(run.get(1, TimeUnit.MINUTES));
      }
      assertThat(experiments).as("one experiment named shared").hasSize(1);
      assertThat(runs(store.resolve(experiments.iterator().next()))).hasSize(8);
    } finally {
      pool.shutdownNow();
    }
  }

  private static List<Path> runs(Path experiment) throws Exception {
    try (Stream<Path> runs = Files.list(experiment)) {
      return runs.filter(r -> Files.isRegularFile(r.resolve("meta.yaml"))).toList();
    }
  }
}
