package io.catalogml.model;

import io.catalogml.core.CatalogErrors;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.ModelUri;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The one way a job gets a trained model: a registry URI ({@code models:/NAME@ALIAS},
 * {@code models:/NAME/VERSION}) is resolved to its version first and that version is
 * downloaded once, into a folder of the job's; a folder is read where it is. Every failure
 * (no registry, no such alias or version, not a package, a newer package format) comes before
 * any Spark work, with a message that says what to do.
 */
public final class ModelLoader {
  private ModelLoader() {}

  /**
   * A model ready to use, with where it came from.
   *
   * @param pkg the package
   * @param reference the model as asked for (URI or folder)
   * @param name registered model name (the card's name for a folder)
   * @param version registry version, or null for a folder
   * @param alias the alias resolved, or null
   * @param runId the tracking run that made it (the card's train run when it has none)
   */
  public record LoadedModel(ModelPackage pkg, String reference, String name, String version, String alias,
      String runId) {}

  /**
   * Loads {@code reference}; a registry model is downloaded under {@code workDir}.
   *
   * @param reference models:/NAME@ALIAS, models:/NAME/VERSION or a package folder
   */
  public static LoadedModel load(String reference, ModelRegistry registry, Path workDir) {
    if (reference.startsWith("models:/")) {
      ModelUri uri = ModelUri.parse(reference);
      ModelRegistry.ModelVersion v = (uri.alias() != null ? registry.alias(uri.name(), uri.alias())
          : registry.version(uri.name(), uri.version()))
          .orElseThrow(() -> CatalogErrors.modelNotFound(reference, uri.alias() != null
              ? "registered model '" + uri.name() + "' has no alias '" + uri.alias() + "' (or does not exist)"
              : "registered model '" + uri.name() + "' has no version " + uri.version() + " (or does not exist)"));
      Path folder = registry.download("models:/" + uri.name() + "/" + v.version(),
          workDir.resolve(uri.name() + "-" + v.version()));
      ModelPackage pkg = ModelPackage.read(folder);
      return new LoadedModel(pkg, reference, uri.name(), v.version(), uri.alias(), v.runId());
    }
    Path folder = Path.of(reference);
    if (!Files.isDirectory(folder)) {
      throw CatalogErrors.notAModelPackage(folder, "there is no such folder");
    }
    ModelPackage pkg = ModelPackage.read(folder);
    ModelCard card = pkg.card();
    return new LoadedModel(pkg, reference, card.name(), null, null,
        card.trackingRunId() != null ? card.trackingRunId() : card.trainRunId());
  }
}
