package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A local store written by catalog-ml ({@link TrackingScenario}: a run with params, metrics and
 * artifacts, a registered model with two versions and moved aliases), opened by the UI server of
 * MLflow 2.17.2 and of MLflow 3 as {@code mlflow ui --backend-store-uri STORE} opens it, and read
 * through the REST calls the UI's pages make: the experiments list, the runs table, a metric chart,
 * the artifact browser, the models page, a model's versions and an alias.
 */
class MlflowUiOnLocalStoreTest {
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  @TempDir
  static Path tmp;

  private static TrackingScenario.Written written;

  @BeforeAll
  static void writeTheStoreWithCatalogMl() throws IOException {
    try (Tracker tracker = LocalMlflowStore.open(tmp.resolve("mlruns"))) {
      written = TrackingScenario.write(tracker, tmp);
    }
  }

  @ParameterizedTest
  @EnumSource(MlflowVenv.class)
  void theUiServerOfEachReleaseAnswersEveryPage(MlflowVenv release) throws Exception {
    release.require();
    try (MlflowServer ui = MlflowServer.openFileStore(release, tmp.resolve("mlruns"), tmp.resolve("ui-" + release))) {
      Ui api = new Ui(ui);

      JsonNode experiment = find(api.post("experiments/search", Map.of("max_results", 100)).path("experiments"),
          "name", TrackingScenario.EXPERIMENT);
      assertThat(tags(experiment.path("tags"))).containsEntry(RunTags.EXPERIMENT_KIND, "custom_model_development");
      assertThat(experiment.path("creation_time").isIntegralNumber()).isTrue();
      String experimentId = experiment.path("experiment_id").asText();

      JsonNode runs = api.post("runs/search", Map.of("experiment_ids", List.of(experimentId))).path("runs");
      assertThat(runs).hasSize(1);
      JsonNode run = runs.get(0);
      assertThat(run.path("info").path("run_id").asText()).isEqualTo(written.runId());
      assertThat(run.path("info").path("status").asText()).isEqualTo("FINISHED");
      assertThat(run.path("info").path("run_name").asText()).isEqualTo("scenario run");
      assertThat(find(run.path("data").path("params"), "key", "train.epochs").path("value").asText()).isEqualTo("10");
      assertThat(find(run.path("data").path("metrics"), "key", "loss").path("step").asLong())
          .isEqualTo(TrackingScenario.EPOCHS - 1);

      JsonNode history = api.get("metrics/get-history", "run_uuid", written.runId(), "metric_key", "loss")
          .path("metrics");
      assertThat(history).hasSize(TrackingScenario.EPOCHS);
      for (JsonNode point : history) {
        assertThat(point.path("value").asDouble()).isEqualTo(1.0 / (point.path("step").asLong() + 1));
      }

      JsonNode files = api.get("artifacts/list", "run_uuid", written.runId()).path("files");
      assertThat(values(files, "path")).contains("model", "reports");
      assertThat(api.text("get-artifact", "run_uuid", written.runId(), "path", "reports/report.txt"))
          .isEqualTo("accuracy 0.9\n");

      JsonNode model = find(api.get("registered-models/search", "max_results", "100").path("registered_models"),
          "name", TrackingScenario.MODEL);
      assertThat(model.path("creation_timestamp").isIntegralNumber()).isTrue();
      assertThat(model.path("last_updated_timestamp").isIntegralNumber()).isTrue();
      assertThat(model.path("description").asText()).isEqualTo("Product type classifier");
      assertThat(aliases(model.path("aliases"))).containsExactlyInAnyOrderEntriesOf(
          Map.of("candidate", "2", "champion", "1"));
      assertThat(values(model.path("latest_versions"), "version")).containsExactly("2");

      JsonNode versions = api.get("model-versions/search", "filter", "name='" + TrackingScenario.MODEL + "'")
          .path("model_versions");
      assertThat(values(versions, "version")).containsExactlyInAnyOrder("1", "2");
      for (JsonNode v : versions) {
        assertThat(v.path("run_id").asText()).isEqualTo(written.runId());
        assertThat(v.path("source").asText()).isEqualTo("runs:/" + written.runId() + "/model");
        assertThat(v.path("status").asText()).isEqualTo("READY");
        assertThat(v.path("creation_timestamp").isIntegralNumber()).isTrue();
      }
      JsonNode champion = api.get("registered-models/alias", "name", TrackingScenario.MODEL, "alias", "champion")
          .path("model_version");
      assertThat(champion.path("version").asText()).isEqualTo("1");
      assertThat(champion.path("aliases")).extracting(JsonNode::asText).containsExactly("champion");
    }
  }

  /** The UI's own REST paths ({@code /ajax-api/2.0/mlflow/...}); every answer must be a 200. */
  private record Ui(MlflowServer server) {
    JsonNode get(String path, String... query) throws IOException, InterruptedException {
      return Json.mapper().readTree(text(path, query));
    }

    String text(String path, String... query) throws IOException, InterruptedException {
      StringBuilder q = new StringBuilder();
      for (int i = 0; i < query.length; i += 2) {
        q.append(i == 0 ? '?' : '&').append(query[i]).append('=')
            .append(URLEncoder.encode(query[i + 1], StandardCharsets.UTF_8));
      }
      return send(HttpRequest.newBuilder(uri(path + q)).GET());
    }

    JsonNode post(String path, Object body) throws IOException, InterruptedException {
      return Json.mapper().readTree(send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(Json.line(body)))));
    }

    private URI uri(String path) {
      String prefix = path.startsWith("get-artifact") ? "/" : "/ajax-api/2.0/mlflow/";
      return URI.create(server.uri() + prefix + path);
    }

    private String send(HttpRequest.Builder request) throws IOException, InterruptedException {
      HttpRequest r = request.timeout(Duration.ofSeconds(60)).build();
      HttpResponse<String> response = HTTP.send(r, HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode())
          .as("%s %s on MLflow %s answered %s; server log:%n%s", r.method(), r.uri(), server.venv(), response.body(),
              server.log())
          .isEqualTo(200);
      return response.body();
    }
  }

  private static JsonNode find(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (n.path(field).asText().equals(value)) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + " = " + value + " in " + array);
  }

  private static List<String> values(JsonNode array, String field) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.path(field).asText()));
    return out;
  }

  private static Map<String, String> tags(JsonNode array) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    array.forEach(n -> out.put(n.path("key").asText(), n.path("value").asText()));
    return out;
  }

  private static Map<String, String> aliases(JsonNode array) {
    Map<String, String> out = new java.util.LinkedHashMap<>();
    array.forEach(n -> out.put(n.path("alias").asText(), n.path("version").asText()));
    return out;
  }
}
