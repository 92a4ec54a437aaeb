package io.catalogml.tracking;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.mlflow.tracking.MlflowHttpException;

/**
 * Artifact upload, download and listing through a tracking server's proxied artifact API
 * ({@code /api/2.0/mlflow-artifacts/artifacts/...}), in plain Java: no Python, no cloud SDK.
 * Every request goes through {@link Retry}.
 */
final class ProxiedArtifacts {
  private static final String API = "/api/2.0/mlflow-artifacts/artifacts";

  private final String base;
  private final Credentials credentials;
  private final Retry retry;
  private final HttpClient http;

  /** One entry of a listing; {@code path} is relative to the listed folder's root. */
  record Entry(String path, boolean dir, long size) {}

  ProxiedArtifacts(String base, Credentials credentials, Retry retry) {
    this.base = base.replaceAll("/+$", "");
    this.credentials = credentials;
    this.retry = retry;
    this.http = HttpClient.newBuilder().connectTimeout(retry.timeout()).build();
  }

  /**
   * The path below the artifact root of an artifact URI such as
   * {@code mlflow-artifacts:/1/<run>/artifacts} or {@code mlflow-artifacts://host:5000/1/...}.
   */
  String remotePath(String artifactUri) {
    if (!artifactUri.startsWith("mlflow-artifacts:")) {
      throw CatalogErrors.artifactsNotProxied(base, artifactUri);
    }
    String rest = artifactUri.substring("mlflow-artifacts:".length());
    if (rest.startsWith("//")) {
      int slash = rest.indexOf('/', 2);
      rest = slash < 0 ? "" : rest.substring(slash);
    }
    return rest.replaceAll("^/+", "").replaceAll("/+$", "");
  }

  /** Uploads a file or a folder (recursively) to {@code remoteDir}/{name}. */
  void upload(Path fileOrFolder, String remoteDir) {
    Path source = fileOrFolder.toAbsolutePath().normalize();
    Path parent = source.getParent();
    try (Stream<Path> files = Files.isDirectory(source) ? Files.walk(source) : Stream.of(source)) {
      for (Path file : files.filter(Files::isRegularFile).sorted().toList()) {
        String relative = parent.relativize(file).toString().replace('\\', '/');
        uploadFile(file, join(remoteDir, relative));
      }
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(source, "read artifacts to upload", e.toString());
    }
  }

  private void uploadFile(Path file, String remotePath) {
    retry.run("upload artifact " + remotePath, () -> send(request(remotePath, "")
        .PUT(bodyOf(file)).header("Content-Type", "application/octet-stream").build(),
        HttpResponse.BodyHandlers.ofString()));
  }

  /** The files and folders directly in {@code remoteDir}. */
  List<Entry> list(String remoteDir) {
    String body = retry.call("list artifacts " + remoteDir, () -> send(
        request("", "?path=" + URLEncoder.encode(remoteDir, StandardCharsets.UTF_8)).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body());
    List<Entry> entries = new ArrayList<>();
    try {
      for (JsonNode f : Json.mapper().readTree(body).path("files")) {
        entries.add(new Entry(f.path("path").asText(), f.path("is_dir").asBoolean(), f.path("file_size").asLong()));
      }
    } catch (IOException e) {
      throw CatalogErrors.trackingRejected("list artifacts " + remoteDir, base, "unreadable answer " + e.getMessage());
    }
    return entries;
  }

  /** Downloads a remote folder's content recursively into {@code target}. */
  void downloadFolder(String remoteDir, Path target) {
    for (Entry e : list(remoteDir)) {
      String name = e.path().contains("/") ? e.path().substring(e.path().lastIndexOf('/') + 1) : e.path();
      if (e.dir()) {
        downloadFolder(join(remoteDir, name), target.resolve(name));
      } else {
        downloadFile(join(remoteDir, name), target.resolve(name));
      }
    }
  }

  /** Downloads one remote file to {@code target}. */
  void downloadFile(String remotePath, Path target) {
    try {
      Files.createDirectories(target.toAbsolutePath().getParent());
      Path partial = target.resolveSibling(target.getFileName() + ".part");
      retry.run("download artifact " + remotePath, () -> send(request(remotePath, "").GET().build(),
          HttpResponse.BodyHandlers.ofFile(partial)));
      Files.move(partial, target, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw CatalogErrors.localStoreFailed(target, "write downloaded artifact", e.toString());
    }
  }

  private HttpRequest.Builder request(String remotePath, String query) {
    StringBuilder url = new StringBuilder(base).append(API);
    for (String segment : remotePath.split("/")) {
      if (!segment.isEmpty()) {
        url.append('/').append(URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20"));
      }
    }
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + query)).timeout(retry.timeout());
    credentials.authorization().ifPresent(a -> b.header("Authorization", a));
    return b;
  }

  private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) {
    try {
      HttpResponse<T> response = http.send(request, handler);
      if (response.statusCode() >= 300) {
        Object body = response.body();
        throw new MlflowHttpException(response.statusCode(), "artifact request failed",
            body instanceof String s ? s : "");
      }
      return response;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static HttpRequest.BodyPublisher bodyOf(Path file) {
    try {
      return HttpRequest.BodyPublishers.ofFile(file);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static String join(String dir, String name) {
    if (dir == null || dir.isEmpty()) {
      return name;
    }
    return name == null || name.isEmpty() ? dir : dir.replaceAll("/+$", "") + "/" + name.replaceAll("^/+", "");
  }
}
