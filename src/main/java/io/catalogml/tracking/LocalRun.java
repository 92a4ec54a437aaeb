package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/** A run in the local file store: one file per param and tag, one line per metric value. */
final class LocalRun implements TrackedRun {
  private static final int RUNNING = 1;

  private final LocalMlflowStore store;
  private final Path dir;
  private final Map<String, Object> meta;
  private boolean ended;

  private LocalRun(LocalMlflowStore store, Path dir, Map<String, Object> meta, boolean ended) {
    this.store = store;
    this.dir = dir;
    this.meta = meta;
    this.ended = ended;
  }

  /** The existing run in {@code dir}, as its {@code meta.yaml} says; a run no longer RUNNING counts as ended. */
  static LocalRun open(LocalMlflowStore store, Path dir) throws IOException {
    Map<String, Object> meta = FileStoreYaml.read(dir.resolve("meta.yaml"));
    boolean ended = !(meta.get("status") instanceof Number n) || n.intValue() != RUNNING;
    return new LocalRun(store, dir, meta, ended);
  }

  static LocalRun start(LocalMlflowStore store, Path dir, String experimentId, String runId, String runName)
      throws IOException {
    Map<String, Object> meta = new LinkedHashMap<>();
    meta.put("artifact_uri", LocalMlflowStore.fileUri(dir.resolve("artifacts")));
    meta.put("end_time", null);
    meta.put("entry_point_name", "");
    meta.put("experiment_id", experimentId);
    meta.put("lifecycle_stage", "active");
    meta.put("run_id", runId);
    meta.put("run_name", runName);
    meta.put("run_uuid", runId);
    meta.put("source_name", "");
    meta.put("source_type", 4);
    meta.put("source_version", "");
    meta.put("start_time", System.currentTimeMillis());
    meta.put("status", RUNNING);
    meta.put("tags", List.of());
    meta.put("user_id", RunTags.user());
    for (String sub : List.of("params", "metrics", "tags", "artifacts")) {
      Files.createDirectories(dir.resolve(sub));
    }
    FileStoreYaml.write(dir.resolve("meta.yaml"), meta);
    LocalRun run = new LocalRun(store, dir, meta, false);
    run.setTags(Map.of("mlflow.runName", runName, "mlflow.user", RunTags.user()));
    return run;
  }

  @Override
  public String runId() {
    return (String) meta.get("run_id");
  }

  @Override
  public String experimentId() {
    return (String) meta.get("experiment_id");
  }

  @Override
  public Tracker tracker() {
    return store;
  }

  @Override
  public void logParams(Map<String, String> params) {
    Names.params(params).forEach((k, v) -> io("log param " + k, () -> {
      Path file = dir.resolve("params").resolve(k);
      if (Files.exists(file) && !Files.readString(file, StandardCharsets.UTF_8).equals(v)) {
        throw new IOException("param '" + k + "' was already logged with another value; a param is written once");
      }
      write(file, v);
    }));
  }

  @Override
  public void setTags(Map<String, String> tags) {
    Names.tags(tags).forEach((k, v) -> io("set tag " + k, () -> write(dir.resolve("tags").resolve(k), v)));
  }

  @Override
  public void logMetrics(Map<String, Double> metrics, long step) {
    long now = System.currentTimeMillis();
    Names.metrics(metrics).forEach((k, v) -> io("log metric " + k, () -> {
      Path file = dir.resolve("metrics").resolve(k);
      Files.createDirectories(file.getParent());
      Files.writeString(file, now + " " + v + " " + step + "\n", StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }));
  }

  /** From the metric's file: one line per value, {@code timestamp value step} (a line without a step is step 0). */
  @Override
  public List<Long> metricSteps(String metric) {
    Path file = dir.resolve("metrics").resolve(Names.key(metric));
    List<Long> steps = new ArrayList<>();
    io("read metric " + metric, () -> {
      if (Files.isRegularFile(file)) {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          String[] f = line.strip().split(" ");
          if (f.length >= 2) {
            steps.add(f.length >= 3 ? Long.parseLong(f[2]) : 0L);
          }
        }
      }
    });
    return steps;
  }

  @Override
  public void logArtifact(Path fileOrFolder, String artifactPath) {
    Path source = fileOrFolder.toAbsolutePath().normalize();
    Path targetDir = dir.resolve("artifacts").resolve(Names.artifactPath(artifactPath));
    io("copy artifact " + source, () -> copyTree(source, targetDir.resolve(source.getFileName().toString())));
  }

  /** Copies to {@code target/<last segment of artifactPath>} (the whole run for {@code ""}). */
  @Override
  public Path downloadArtifact(String artifactPath, Path target) {
    String path = Names.artifactPath(artifactPath);
    Path source = dir.resolve("artifacts").resolve(path);
    if (!Files.exists(source)) {
      throw CatalogErrors.artifactNotFound(runId(), path);
    }
    Path local = path.isEmpty() ? target : target.resolve(source.getFileName().toString());
    io("download artifact " + path, () -> copyTree(source, local));
    return local;
  }

  @Override
  public synchronized void end(RunStatus status, String reason) {
    if (status != RunStatus.FINISHED && reason != null && !reason.isBlank()) {
      setTags(Map.of(Names.FAILURE_TAG, reason));
    }
    meta.put("status", switch (status) {
      case FINISHED -> 3;
      case FAILED -> 4;
      case KILLED -> 5;
    });
    meta.put("end_time", System.currentTimeMillis());
    io("end the run", () -> FileStoreYaml.write(dir.resolve("meta.yaml"), meta));
    ended = true;
  }

  @Override
  public synchronized void close() {
    if (!ended) {
      end(RunStatus.FAILED, "the job did not finish (no end status was recorded)");
    }
  }

  static void copyTree(Path source, Path target) throws IOException {
    if (Files.isDirectory(source)) {
      try (Stream<Path> files = Files.walk(source)) {
        for (Path f : files.filter(Files::isRegularFile).toList()) {
          Path to = target.resolve(source.relativize(f).toString());
          Files.createDirectories(to.getParent());
          Files.copy(f, to, StandardCopyOption.REPLACE_EXISTING);
        }
      }
    } else {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  private static void write(Path file, String value) throws IOException {
    Files.createDirectories(file.getParent());
    Files.writeString(file, value, StandardCharsets.UTF_8);
  }

  private void io(String what, IoAction action) {
    try {
      action.run();
    } catch (IOException | UncheckedIOException e) {
      throw CatalogErrors.localStoreFailed(dir, what, e.getMessage());
    }
  }

  @FunctionalInterface
  interface IoAction {
    void run() throws IOException;
  }
}
