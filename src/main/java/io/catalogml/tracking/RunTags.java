package io.catalogml.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The standard tags of every run: who ran it, from which git commit, on which Spark master, with
 * which library versions; and the input Delta table versions a job passes in. Never credentials.
 */
public final class RunTags {
  /**
   * The experiment tag holding MLflow 3's experiment kind (GenAI or model training). MLflow's
   * development UI opens an experiment in its kind's view; the 3.17.2 release still follows its
   * sidebar switch.
   */
  public static final String EXPERIMENT_KIND = "mlflow.experimentKind";
  /** MLflow 3's kind for classic model training ({@code ExperimentKind.CUSTOM_MODEL_DEVELOPMENT} of its UI). */
  public static final String MODEL_DEVELOPMENT = "custom_model_development";
  private static final Pattern JAR_VERSION = Pattern.compile("-(\\d[^/]*?)(?:-[a-z0-9_]+-x86_64)?\\.jar$");
  private static final Map<String, String> LIBRARIES = Map.of(
      "spark", "org.apache.spark.SparkContext",
      "delta", "io.delta.tables.DeltaTable",
      "dl4j", "org.deeplearning4j.nn.graph.ComputationGraph",
      "mlflow-client", "org.mlflow.tracking.MlflowClient");

  private RunTags() {}

  /**
   * Tags every run gets.
   *
   * @param job the job kind, e.g. {@code ingest}
   * @param sparkMaster the Spark master the job runs on, or null before Spark starts
   */
  public static Map<String, String> standard(String job, String sparkMaster) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("mlflow.user", user());
    tags.put("mlflow.source.name", "catalog-ml " + job);
    tags.put("mlflow.source.type", "JOB");
    gitCommit().ifPresent(c -> tags.put("mlflow.source.git.commit", c));
    if (sparkMaster != null) {
      tags.put("catalogml.spark.master", sparkMaster);
    }
    tags.put("catalogml.version.java", System.getProperty("java.version"));
    libraryVersions().forEach((lib, v) -> tags.put("catalogml.version." + lib, v));
    return tags;
  }

  /** Tags naming the Delta version each input table was read at: {@code catalogml.input.<table>.version}. */
  public static Map<String, String> inputVersions(Map<String, Long> tableVersions) {
    Map<String, String> tags = new LinkedHashMap<>();
    tableVersions.forEach((table, version) -> tags.put("catalogml.input." + table + ".version", Long.toString(version)));
    return tags;
  }

  /** The operating-system user running the job. */
  public static String user() {
    return System.getProperty("user.name", "unknown");
  }

  /** Versions of Spark, Delta, DL4J and the mlflow-client on the classpath (absent ones are left out). */
  public static Map<String, String> libraryVersions() {
    Map<String, String> versions = new java.util.TreeMap<>();
    LIBRARIES.forEach((lib, className) -> versionOf(className).ifPresent(v -> versions.put(lib, v)));
    return versions;
  }

  static Optional<String> versionOf(String className) {
    try {
      Class<?> c = Class.forName(className, false, RunTags.class.getClassLoader());
      String fromManifest = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
      if (fromManifest != null) {
        return Optional.of(fromManifest);
      }
      var source = c.getProtectionDomain().getCodeSource();
      if (source == null) {
        return Optional.empty();
      }
      Matcher m = JAR_VERSION.matcher(source.getLocation().getPath());
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      return Optional.empty();
    }
  }

  /** The git commit of the working directory, if it is a git checkout and git is installed. */
  static Optional<String> gitCommit() {
    try {
      Process p = new ProcessBuilder("git", "rev-parse", "HEAD").directory(Path.of("").toAbsolutePath().toFile())
          .redirectError(ProcessBuilder.Redirect.DISCARD).start();
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return Optional.empty();
      }
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
      return p.exitValue() == 0 && out.matches("[0-9a-f]{40}") ? Optional.of(out) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
  }
}
