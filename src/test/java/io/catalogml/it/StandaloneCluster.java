package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers started by
 * {@code jobs/standalone.sh} from the Spark distribution in SPARK_HOME (pyspark's). {@link #close()}
 * stops it, a JVM shutdown hook does too when the test JVM ends another way, and jobs/test.sh
 * stops on exit whatever is left under {@code target/standalone/}. The logs stay there.
 */
final class StandaloneCluster implements AutoCloseable {
  private final Path dir;
  private final String url;
  private final Thread hook;

  private StandaloneCluster(Path dir, String url) {
    this.dir = dir;
    this.url = url;
    this.hook = new Thread(this::stop, "standalone-cluster-stop");
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code workers} workers of {@code cores} cores each under {@code target/standalone/NAME}
   * (where jobs/test.sh finds what a killed test JVM left running); returns once all registered.
   */
  static StandaloneCluster start(String name, int workers, int cores, String memory) throws Exception {
    Path dir = Processes.ROOT.resolve("target/standalone").resolve(name);
    Processes.run(Map.of(), "jobs/standalone.sh", "stop", dir.toString());
    if (Files.exists(dir)) {
      deleteTree(dir, false);
    }
    Processes.Run run = Processes.run(Map.of(), "jobs/standalone.sh", "start", dir.toString(),
        String.valueOf(workers), String.valueOf(cores), memory);
    assertThat(run.exitCode()).as("jobs/standalone.sh start: " + run).isZero();
    return new StandaloneCluster(dir, run.stdout().strip());
  }

  /** spark://127.0.0.1:PORT */
  String url() {
    return url;
  }

  /** The master's web UI, http://127.0.0.1:PORT (its /json/ status tells how a driver ended). */
  String masterUi() throws IOException {
    return "http://127.0.0.1:" + Files.readString(dir.resolve("master-ui-port")).strip();
  }

  /** The stderr logs of every executor of every application the workers ran. */
  List<String> executorLogs() throws IOException {
    List<String> logs = new ArrayList<>();
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path p : files.filter(f -> f.getFileName().toString().equals("stderr")).sorted().toList()) {
        logs.add(Files.readString(p));
      }
    }
    return logs;
  }

  /** Removes the logs of earlier applications, so that {@link #executorLogs()} shows the next one only. */
  void clearApplications() throws IOException {
    try (Stream<Path> apps = Files.list(dir)) {
      for (Path worker : apps.filter(p -> p.getFileName().toString().startsWith("worker-")).toList()) {
        deleteTree(worker, true);
      }
    }
  }

  /** Deletes everything under {@code root}, and {@code root} itself unless {@code keepRoot}. */
  private static void deleteTree(Path root, boolean keepRoot) throws IOException {
    try (Stream<Path> files = Files.walk(root)) {
      for (Path p : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
        if (!(keepRoot && p.equals(root))) {
          Files.deleteIfExists(p);
        }
      }
    }
  }

  private void stop() {
    try {
      Processes.run(Map.of(), "jobs/standalone.sh", "stop", dir.toString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    stop();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException e) {
      // already shutting down: the hook runs anyway
    }
  }
}
