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
  /** The Maven record of the libraries that have one, by the class that stands for them. */
  private static final Map<String, String> POMS = Map.of(
      "org.deeplearning4j.nn.graph.ComputationGraph", "META-INF/maven/org.deeplearning4j/deeplearning4j-nn/pom.properties",
      "org.mlflow.tracking.MlflowClient", "META-INF/maven/org.mlflow/mlflow-client/pom.properties");

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

  /**
   * A library's version. In the fat jar every class comes from {@code catalog-ml-*-spark.jar}, whose
   * manifest and file name say catalog-ml's version, so the library's own record comes first: its
   * Maven {@code pom.properties} (kept by the shade plugin), or Delta's {@code io.delta.VERSION} (Delta
   * is built with sbt and ships none); then the manifest or file name of the jar the class came from,
   * unless that jar is catalog-ml's own.
   */
  static Optional<String> versionOf(String className) {
    String pom = POMS.get(className);
    if (pom != null) {
      Optional<String> v = pomVersion(pom);
      if (v.isPresent()) {
        return v;
      }
    }
    if (className.equals(LIBRARIES.get("delta"))) {
      Optional<String> v = scalaPackageVersion("io.delta.package$", "VERSION");
      if (v.isPresent()) {
        return v;
      }
    }
    try {
      Class<?> c = Class.forName(className, false, RunTags.class.getClassLoader());
      var source = c.getProtectionDomain().getCodeSource();
      String jar = source == null ? "" : source.getLocation().getPath();
      if (jar.contains("catalog-ml-")) {
        return Optional.empty();
      }
      String fromManifest = c.getPackage() == null ? null : c.getPackage().getImplementationVersion();
      if (fromManifest != null) {
        return Optional.of(fromManifest);
      }
      Matcher m = JAR_VERSION.matcher(jar);
      return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    } catch (ClassNotFoundException | LinkageError | SecurityException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> pomVersion(String resource) {
    try (var in = RunTags.class.getClassLoader().getResourceAsStream(resource)) {
      if (in == null) {
        return Optional.empty();
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return Optional.ofNullable(p.getProperty("version"));
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Optional<String> scalaPackageVersion(String packageObject, String method) {
    try {
      Class<?> c = Class.forName(packageObject, false, RunTags.class.getClassLoader());
      Object module = c.getField("MODULE$").get(null);
      return Optional.ofNullable((String) c.getMethod(method).invoke(module));
    } catch (ReflectiveOperationException | LinkageError | SecurityException | ClassCastException e) {
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

  /** {@code run} given {@code tags}; a run that cannot take them is ended FAILED and the failure thrown. */
  static TrackedRun tagged(TrackedRun run, Map<String, String> tags) {
    try {
      run.setTags(tags);
      return run;
    } catch (RuntimeException e) {
      run.close();
      throw e;
    }
  }
}
