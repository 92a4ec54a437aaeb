package io.catalogml.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Optional;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;

/**
 * The model registry of an MLflow server. The mlflow-client's registry API is read-only, so the
 * create and alias calls go through {@code sendPost}/{@code sendGet} with the REST API's JSON.
 * A version's source is the run's artifact URI ({@code mlflow-artifacts:/...}), as MLflow's own
 * {@code register_model} records it.
 */
final class ServerRegistry implements ModelRegistry {
  private final MlflowClient client;
  private final Retry retry;
  private final ProxiedArtifacts artifacts;

  ServerRegistry(MlflowClient client, Retry retry, ProxiedArtifacts artifacts) {
    this.client = client;
    this.retry = retry;
    this.artifacts = artifacts;
  }

  @Override
  public void ensureRegisteredModel(String name, String description) {
    ObjectNode body = Json.mapper().createObjectNode().put("name", name).put("description", description);
    retry.run("create registered model " + name, () -> {
      try {
        client.sendPost("registered-models/create", body.toString());
      } catch (MlflowHttpException e) {
        if (!String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
          throw e;
        }
      }
    });
  }

  @Override
  public ModelVersion createVersion(String name, String runId, String artifactPath) {
    String path = Names.artifactPath(artifactPath);
    String runArtifacts = retry.call("read run " + runId, () -> client.getRun(runId)).getInfo().getArtifactUri();
    String remote = ProxiedArtifacts.join(artifacts.remotePath(runArtifacts), path);
    if (artifacts.list(remote).isEmpty()) {
      throw CatalogErrors.artifactNotFound(runId, path);
    }
    ObjectNode body = Json.mapper().createObjectNode().put("name", name)
        .put("source", ProxiedArtifacts.join(runArtifacts, path)).put("run_id", runId);
    String answer = retry.call("create a version of " + name,
        () -> client.sendPost("model-versions/create", body.toString()));
    return toVersion(read(answer).path("model_version"));
  }

  @Override
  public void setAlias(String name, String alias, String version) {
    ObjectNode body = Json.mapper().createObjectNode().put("name", name).put("alias", alias).put("version", version);
    retry.run("set alias " + alias + " of " + name, () -> client.sendPost("registered-models/alias", body.toString()));
  }

  @Override
  public Optional<ModelVersion> alias(String name, String alias) {
    return get("resolve " + name + "@" + alias, "registered-models/alias?name=" + enc(name) + "&alias=" + enc(alias));
  }

  @Override
  public Optional<ModelVersion> version(String name, String version) {
    return get("read version " + version + " of " + name,
        "model-versions/get?name=" + enc(name) + "&version=" + enc(version));
  }

  /** Downloads the model's files directly into {@code target} and returns {@code target}. */
  @Override
  public Path download(String modelUri, Path target) {
    ModelUri uri = ModelUri.parse(modelUri);
    ModelVersion v = (uri.alias() != null ? alias(uri.name(), uri.alias()) : version(uri.name(), uri.version()))
        .orElseThrow(() -> CatalogErrors.modelNotFound(modelUri, uri.alias() != null
            ? "registered model '" + uri.name() + "' has no alias '" + uri.alias() + "'"
            : "registered model '" + uri.name() + "' has no version " + uri.version()));
    String source = v.source();
    if (source.startsWith("runs:/")) {
      String rest = source.substring("runs:/".length());
      String runId = rest.contains("/") ? rest.substring(0, rest.indexOf('/')) : rest;
      String inRun = rest.contains("/") ? rest.substring(rest.indexOf('/') + 1) : "";
      source = ProxiedArtifacts.join(retry.call("read run " + runId, () -> client.getRun(runId))
          .getInfo().getArtifactUri(), inRun);
    }
    String remote = artifacts.remotePath(source);
    if (artifacts.list(remote).isEmpty()) {
      throw CatalogErrors.modelNotFound(modelUri, "version " + v.version() + " points at " + source
          + ", which holds no files");
    }
    artifacts.downloadFolder(remote, target);
    return target;
  }

  private Optional<ModelVersion> get(String what, String path) {
    return retry.call(what, () -> {
      try {
        return Optional.of(toVersion(read(client.sendGet(path)).path("model_version")));
      } catch (MlflowHttpException e) {
        String body = String.valueOf(e.getBodyMessage());
        if (e.getStatusCode() == 404 || body.contains("RESOURCE_DOES_NOT_EXIST") || body.contains("not found")) {
          return Optional.empty();
        }
        throw e;
      }
    });
  }

  private static ModelVersion toVersion(JsonNode v) {
    return new ModelVersion(v.path("name").asText(), v.path("version").asText(), v.path("run_id").asText(),
        v.path("source").asText());
  }

  private static JsonNode read(String json) {
    try {
      return Json.mapper().readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }
}
