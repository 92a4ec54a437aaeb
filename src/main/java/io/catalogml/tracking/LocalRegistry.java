package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * The registry of the local file store, in MLflow's layout: {@code models/<name>/meta.yaml} (with
 * the aliases), {@code models/<name>/aliases/<alias>} (the version number) and
 * {@code models/<name>/version-<n>/meta.yaml}. A version's source is {@code runs:/<run>/<path>},
 * as MLflow's file store records it.
 */
final class LocalRegistry implements ModelRegistry {
  private final LocalMlflowStore store;

  LocalRegistry(LocalMlflowStore store) {
    this.store = store;
  }

  private Path modelDir(String name) {
    return store.root().resolve("models").resolve(Names.key(name));
  }

  @Override
  public void ensureRegisteredModel(String name, String description) {
    Path meta = modelDir(name).resolve("meta.yaml");
    store.locked("register model " + name, () -> {
      if (!Files.exists(meta)) {
        long now = System.currentTimeMillis();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("aliases", Map.of());
        m.put("creation_timestamp", now);
        m.put("description", description);
        m.put("last_updated_timestamp", now);
        m.put("name", name);
        FileStoreYaml.write(meta, m);
      }
      return null;
    });
  }

  @Override
  public ModelVersion createVersion(String name, String runId, String artifactPath) {
    String path = Names.artifactPath(artifactPath);
    Path runDir = store.runFolder(runId)
        .orElseThrow(() -> CatalogErrors.modelNotFound("runs:/" + runId + "/" + path, "there is no run " + runId
            + " in " + store.root()));
    if (!Files.exists(runDir.resolve("artifacts").resolve(path))) {
      throw CatalogErrors.artifactNotFound(runId, path);
    }
    Path dir = modelDir(name);
    return store.locked("register a version of " + name, () -> {
      ensureRegisteredModel(name, "");
      String version = Integer.toString(nextVersion(dir));
      String source = "runs:/" + runId + (path.isEmpty() ? "" : "/" + path);
      writeVersion(dir, name, version, runId, source);
      return new ModelVersion(name, version, runId, source);
    });
  }

  private static void writeVersion(Path dir, String name, String version, String runId, String source)
      throws IOException {
    long now = System.currentTimeMillis();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("aliases", List.of());
    m.put("creation_timestamp", now);
    m.put("current_stage", "None");
    m.put("description", null);
    m.put("last_updated_timestamp", now);
    m.put("name", name);
    m.put("run_id", runId);
    m.put("run_link", null);
    m.put("source", source);
    m.put("status", "READY");
    m.put("status_message", null);
    m.put("storage_location", source);
    m.put("user_id", null);
    m.put("version", Integer.parseInt(version));
    FileStoreYaml.write(dir.resolve("version-" + version).resolve("meta.yaml"), m);
  }

  private int nextVersion(Path dir) {
    try (Stream<Path> children = Files.list(dir)) {
      return children.map(p -> p.getFileName().toString()).filter(n -> n.matches("version-[0-9]+"))
          .mapToInt(n -> Integer.parseInt(n.substring("version-".length()))).max().orElse(0) + 1;
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(dir, "list versions", e.toString());
    }
  }

  @Override
  public void setAlias(String name, String alias, String version) {
    if (version(name, version).isEmpty()) {
      throw CatalogErrors.modelNotFound("models:/" + name + "/" + version,
          "cannot set alias '" + alias + "': registered model '" + name + "' has no version " + version);
    }
    Path dir = modelDir(name);
    store.locked("set alias " + alias + " of " + name, () -> {
      Map<String, Object> meta = FileStoreYaml.read(dir.resolve("meta.yaml"));
      Map<String, String> aliases = new LinkedHashMap<>(aliasMap(meta));
      aliases.put(alias, version);
      meta.put("aliases", aliases);
      meta.put("last_updated_timestamp", System.currentTimeMillis());
      FileStoreYaml.write(dir.resolve("meta.yaml"), meta);
      FileStoreYaml.replace(dir.resolve("aliases").resolve(alias), version);
      return null;
    });
  }

  @SuppressWarnings("unchecked")
  private static Map<String, String> aliasMap(Map<String, Object> meta) {
    Object a = meta.get("aliases");
    return a instanceof Map<?, ?> m ? (Map<String, String>) m : Map.of();
  }

  @Override
  public Optional<ModelVersion> alias(String name, String alias) {
    Path file = modelDir(name).resolve("aliases").resolve(alias);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      return version(name, Files.readString(file, StandardCharsets.UTF_8).strip());
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(file, "read alias " + alias, e.toString());
    }
  }

  @Override
  public Optional<ModelVersion> version(String name, String version) {
    Path meta = modelDir(name).resolve("version-" + version).resolve("meta.yaml");
    if (!Files.isRegularFile(meta)) {
      return Optional.empty();
    }
    try {
      Map<String, Object> m = FileStoreYaml.read(meta);
      return Optional.of(new ModelVersion(name, version, Objects.toString(m.get("run_id"), null),
          Objects.toString(m.get("source"), null)));
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(meta, "read model version", e.toString());
    }
  }

  /** Copies the model's files directly into {@code target} and returns {@code target}. */
  @Override
  public Path download(String modelUri, Path target) {
    ModelUri uri = ModelUri.parse(modelUri);
    ModelVersion v = (uri.alias() != null ? alias(uri.name(), uri.alias()) : version(uri.name(), uri.version()))
        .orElseThrow(() -> CatalogErrors.modelNotFound(modelUri, uri.alias() != null
            ? "registered model '" + uri.name() + "' in " + store.root() + " has no alias '" + uri.alias() + "'"
            : "registered model '" + uri.name() + "' in " + store.root() + " has no version " + uri.version()));
    String rest = v.source().replaceFirst("^runs:/", "");
    String inRun = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
    Path runDir = store.runFolder(v.runId())
        .orElseThrow(() -> CatalogErrors.modelNotFound(modelUri, "its run " + v.runId() + " is gone from " + store.root()));
    Path source = runDir.resolve("artifacts").resolve(inRun);
    io(uri.name(), () -> LocalRun.copyTree(source, target));
    return target;
  }

  private void io(String name, LocalRun.IoAction action) {
    try {
      action.run();
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(modelDir(name), "update the registry", e.toString());
    }
  }
}
