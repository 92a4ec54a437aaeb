package io.catalogml.tracking;

import java.nio.file.Path;
import java.util.Optional;

/**
 * Registered models, their versions and aliases ({@code candidate}, {@code champion}), the way
 * MLflow's registry has them. A version is made from a run's model artifact; scoring resolves
 * {@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION} to a local folder.
 */
public interface ModelRegistry {
  /** Creates the registered model unless it exists. */
  void ensureRegisteredModel(String name, String description);

  /**
   * Creates a new version of {@code name} from an artifact folder of a run.
   *
   * @param runId the run holding the model artifact
   * @param artifactPath the model's folder inside the run's artifacts, e.g. {@code model}
   */
  ModelVersion createVersion(String name, String runId, String artifactPath);

  /** Points {@code alias} at a version, moving it if it pointed elsewhere. */
  void setAlias(String name, String alias, String version);

  /** The version an alias points at, if the model and the alias exist. */
  Optional<ModelVersion> alias(String name, String alias);

  /** A version of a registered model, if it exists. */
  Optional<ModelVersion> version(String name, String version);

  /**
   * Downloads the model folder that {@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION}
   * points at into {@code target} and returns it. Fails with a message saying what to do when
   * the model, version or alias does not exist.
   */
  Path download(String modelUri, Path target);

  /**
   * One version of a registered model.
   *
   * @param name registered model name
   * @param version version number as text ("1", "2", ...)
   * @param runId run the version was made from
   * @param source where its files are, e.g. {@code runs:/<run>/model} or an artifact URI
   */
  record ModelVersion(String name, String version, String runId, String source) {}
}
