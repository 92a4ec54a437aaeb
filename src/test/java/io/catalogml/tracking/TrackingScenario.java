package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.CatalogException;
import io.catalogml.core.Json;
import io.catalogml.tracking.ModelRegistry.ModelVersion;
import io.catalogml.tracking.TrackedRun.RunStatus;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One training-like run written through any {@link Tracker}, and the checks of what MLflow's
 * Python client reads back from it. The server and the local store must give the same answers.
 */
final class TrackingScenario {
  static final String EXPERIMENT = "catalog-ml/scenario";
  static final String MODEL = "product-type";
  static final int EPOCHS = 10;
  static final byte[] WEIGHTS = {0, 1, 2, (byte) 0xff, 10, 13, 42};

  /** What was written. */
  record Written(String runId, ModelVersion v1, ModelVersion v2, Path modelDir) {}

  private TrackingScenario() {}

  static Written write(Tracker tracker, Path tmp) throws IOException {
    Path modelDir = tmp.resolve("out/model");
    Files.createDirectories(modelDir.resolve("weights"));
    Files.writeString(modelDir.resolve("config.json"), "{\"layers\": 3, \"name\": \"é\"}", StandardCharsets.UTF_8);
    Files.write(modelDir.resolve("weights/w.bin"), WEIGHTS);
    Path report = tmp.resolve("report.txt");
    Files.writeString(report, "accuracy 0.9\n");

    try (TrackedRun run = tracker.startRun(EXPERIMENT, "scenario run")) {
      run.logParams(Map.of("spark.conf.\"spark.sql.shuffle.partitions\"", "4", "train.epochs", "10",
          "long.value", "x".repeat(7000)));
      Map<String, String> tags = new LinkedHashMap<>(RunTags.standard("train", "local[2]"));
      tags.putAll(RunTags.inputVersions(Map.of("silver.features", 7L)));
      run.setTags(tags);
      for (int epoch = 0; epoch < EPOCHS; epoch++) {
        run.logMetrics(Map.of("loss", 1.0 / (epoch + 1), "accuracy", epoch / 10.0, "val/loss", 2.0 - epoch * 0.1),
            epoch);
      }
      run.logArtifact(modelDir, "");
      run.logArtifact(report, "reports");

      Path back = run.downloadArtifact("model", tmp.resolve("back"));
      assertThat(back).isEqualTo(tmp.resolve("back/model"));
      assertThat(Files.readAllBytes(back.resolve("weights/w.bin"))).isEqualTo(WEIGHTS);
      assertThat(run.downloadArtifact("reports/report.txt", tmp.resolve("back2"))).hasContent("accuracy 0.9");
      assertThatThrownBy(() -> run.downloadArtifact("nothing-here", tmp.resolve("back3")))
          .isInstanceOf(CatalogException.class).hasMessageContaining("nothing-here");

      ModelRegistry registry = tracker.registry();
      registry.ensureRegisteredModel(MODEL, "Product type classifier");
      registry.ensureRegisteredModel(MODEL, "Product type classifier");
      ModelVersion v1 = registry.createVersion(MODEL, run.runId(), "model");
      registry.setAlias(MODEL, "candidate", v1.version());
      ModelVersion v2 = registry.createVersion(MODEL, run.runId(), "model");
      registry.setAlias(MODEL, "candidate", v2.version());
      registry.setAlias(MODEL, "champion", v1.version());
      run.end(RunStatus.FINISHED, null);
      return new Written(run.runId(), v1, v2, modelDir);
    }
  }

  /** The registry answers from Java: versions, moved aliases, downloads, clear errors. */
  static void checkRegistry(Tracker tracker, Written w, Path tmp) throws IOException {
    ModelRegistry registry = tracker.registry();
    assertThat(w.v1().version()).isEqualTo("1");
    assertThat(w.v2().version()).isEqualTo("2");
    assertThat(w.v1().runId()).isEqualTo(w.runId());
    assertThat(registry.alias(MODEL, "candidate")).map(ModelVersion::version).contains("2");
    assertThat(registry.alias(MODEL, "champion")).map(ModelVersion::version).contains("1");
    assertThat(registry.alias(MODEL, "nope")).isEmpty();
    assertThat(registry.alias("no-such-model", "champion")).isEmpty();
    assertThat(registry.version(MODEL, "2")).map(ModelVersion::runId).contains(w.runId());
    assertThat(registry.version(MODEL, "9")).isEmpty();

    Path champion = registry.download("models:/" + MODEL + "@champion", tmp.resolve("champion"));
    assertThat(champion.resolve("config.json")).hasSameTextualContentAs(w.modelDir().resolve("config.json"));
    assertThat(Files.readAllBytes(champion.resolve("weights/w.bin"))).isEqualTo(WEIGHTS);
    Path v2 = registry.download("models:/" + MODEL + "/2", tmp.resolve("v2"));
    assertThat(Files.readAllBytes(v2.resolve("weights/w.bin"))).isEqualTo(WEIGHTS);

    assertThatThrownBy(() -> registry.download("models:/" + MODEL + "@gone", tmp.resolve("x")))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("models:/product-type@gone").hasMessageContaining("has no alias 'gone'");
    assertThatThrownBy(() -> registry.download("models:/" + MODEL + "/9", tmp.resolve("x")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("has no version 9");
    assertThatThrownBy(() -> registry.download("runs:/abc/model", tmp.resolve("x")))
        .isInstanceOf(CatalogException.class).hasMessageContaining("expected models:/NAME@ALIAS");
  }

  /** What MLflow's Python client reads back is what was written. */
  static void checkReadBack(JsonNode r, Written w) throws IOException {
    assertThat(r.path("status").asText()).isEqualTo("FINISHED");
    assertThat(r.path("experiment").asText()).isEqualTo(EXPERIMENT);
    assertThat(r.path("experiment_tags").path(RunTags.EXPERIMENT_KIND).asText()).isEqualTo("custom_model_development");
    assertThat(r.path("run_name").asText()).isEqualTo("scenario run");

    assertThat(r.path("params").path("spark.conf.spark.sql.shuffle.partitions").asText()).isEqualTo("4");
    assertThat(r.path("params").path("train.epochs").asText()).isEqualTo("10");
    assertThat(r.path("params").path("long.value").asText()).hasSize(Names.MAX_PARAM_VALUE).endsWith("...");

    JsonNode tags = r.path("tags");
    assertThat(tags.path("catalogml.input.silver.features.version").asText()).isEqualTo("7");
    assertThat(tags.path("catalogml.spark.master").asText()).isEqualTo("local[2]");
    assertThat(tags.path("mlflow.user").asText()).isEqualTo(System.getProperty("user.name"));
    assertThat(tags.path("catalogml.version.spark").asText()).isEqualTo("3.5.7");
    assertThat(tags.path("catalogml.version.delta").asText()).isEqualTo("3.3.2");
    assertThat(tags.path("catalogml.version.mlflow-client").asText()).isEqualTo("2.17.2");
    assertThat(tags.path("catalogml.version.dl4j").asText()).startsWith("1.0.0-M2");
    assertThat(tags.path("mlflow.source.git.commit").asText()).matches("[0-9a-f]{40}");

    JsonNode loss = r.path("metrics").path("loss");
    assertThat(loss).hasSize(EPOCHS);
    for (int epoch = 0; epoch < EPOCHS; epoch++) {
      assertThat(loss.get(epoch).get(0).asLong()).isEqualTo(epoch);
      assertThat(loss.get(epoch).get(1).asDouble()).isEqualTo(1.0 / (epoch + 1));
    }
    assertThat(r.path("metrics").path("val/loss").get(3).get(1).asDouble()).isEqualTo(2.0 - 3 * 0.1);
    assertThat(r.path("metrics").path("accuracy")).hasSize(EPOCHS);

    assertThat(strings(r.path("artifacts")))
        .containsExactly("model/config.json", "model/weights/w.bin", "reports/report.txt");
    assertThat(r.path("texts").path("model/config.json").asText())
        .isEqualTo(Files.readString(w.modelDir().resolve("config.json"), StandardCharsets.UTF_8));

    JsonNode model = r.path("model");
    assertThat(model.path("description").asText()).isEqualTo("Product type classifier");
    assertThat(Json.mapper().convertValue(model.path("aliases"), Map.class))
        .isEqualTo(Map.of("candidate", "2", "champion", "1"));
    assertThat(model.path("resolved").path("champion").asText()).isEqualTo("1");
    assertThat(model.path("versions")).hasSize(2);
    for (JsonNode v : model.path("versions")) {
      assertThat(v.path("run_id").asText()).isEqualTo(w.runId());
      assertThat(v.path("status").asText()).isEqualTo("READY");
    }
  }

  private static List<String> strings(JsonNode array) {
    List<String> out = new ArrayList<>();
    array.forEach(n -> out.add(n.asText()));
    return out;
  }
}
