package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * docker/Dockerfile and docker/compose.yaml, checked without a Docker engine (none runs here or in CI):
 * hadolint lints the Dockerfile, compose-go (the loader of `docker compose`, built into
 * {@code compose-check}) loads the compose file with and without its gpu profile, and every file
 * either of them names must exist in the repository (after {@code mvn package}, the fat jar too).
 */
class DockerFilesIT {
  static final Path DOCKERFILE = Processes.ROOT.resolve("docker/Dockerfile");
  static final Path COMPOSE = Processes.ROOT.resolve("docker/compose.yaml");
  static final Map<String, String> PASSWORD = Map.of("MLFLOW_DB_PASSWORD", "pw-" + UUID.randomUUID());

  @Test
  void hadolintFindsNothingInTheDockerfileAndFlagsABadOne(@TempDir Path tmp) throws Exception {
    Path hadolint = OpsTools.require(OpsTools.HADOLINT);
    Processes.Run lint = Processes.run(Map.of(), hadolint.toString(), "--no-color", "--failure-threshold", "info",
        "--format", "json", DOCKERFILE.toString());
    assertThat(lint.exitCode()).as(lint.toString()).isZero();
    assertThat(Json.mapper().readTree(lint.stdout())).isEmpty();

    Path bad = Files.writeString(tmp.resolve("Dockerfile"), "FROM ubuntu\nRUN apt-get install curl\n");
    Processes.Run flagged = Processes.run(Map.of(), hadolint.toString(), "--no-color", "--format", "json",
        bad.toString());
    assertThat(flagged.exitCode()).isNotZero();
    assertThat(flagged.stdout()).contains("DL3006", "DL3008");
  }

  @Test
  void composeGoLoadsTheFileWithAndWithoutTheGpuWorker() throws Exception {
    JsonNode plain = compose(PASSWORD).path("services");
    assertThat(names(plain)).containsExactlyInAnyOrder("spark-master", "spark-worker-1", "spark-worker-2",
        "postgres", "mlflow", "zeppelin", "job");

    JsonNode services = compose(PASSWORD, "--profile", "gpu").path("services");
    JsonNode gpu = services.path("spark-worker-gpu");
    assertThat(gpu.path("profiles").toString()).isEqualTo("[\"gpu\"]");
    JsonNode device = gpu.at("/deploy/resources/reservations/devices/0");
    assertThat(device.path("driver").asText()).isEqualTo("nvidia");
    assertThat(device.path("capabilities").toString()).contains("gpu");
    assertThat(gpu.at("/build/target").asText()).isEqualTo("gpu");
    assertThat(gpu.at("/environment/SPARK_WORKER_OPTS").asText())
        .contains("discoveryScript=/opt/catalog-ml/jobs/gpu/getGpusResources.sh");

    for (Map.Entry<String, JsonNode> s : entries(services)) {
      for (JsonNode port : s.getValue().path("ports")) {
        assertThat(port.path("host_ip").asText()).as(s.getKey() + " publishes a port beyond loopback")
            .isEqualTo("127.0.0.1");
      }
      if (!s.getKey().equals("job")) {
        assertThat(s.getValue().path("healthcheck").path("test").isArray()).as(s.getKey() + " healthcheck").isTrue();
      }
    }
    assertThat(services.at("/job/restart").asText()).isEqualTo("no");
    assertThat(services.at("/job/command").toString()).contains("\"nightly\"", "spark://spark-master:7077");
    assertThat(services.at("/mlflow/command").toString()).contains("--artifacts-destination");
    assertThat(services.at("/zeppelin/image").asText()).contains("zeppelin");
  }

  @Test
  void composeNeedsThePasswordFromOutsideAndRejectsAnUnknownKey(@TempDir Path tmp) throws Exception {
    Processes.Run missing = Processes.run(Map.of(), OpsTools.require(OpsTools.COMPOSE_CHECK).toString(),
        COMPOSE.toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.stderr()).contains("MLFLOW_DB_PASSWORD");

    String password = PASSWORD.get("MLFLOW_DB_PASSWORD");
    JsonNode services = compose(PASSWORD, "--profile", "gpu").path("services");
    assertThat(services.at("/postgres/environment/POSTGRES_PASSWORD").asText()).isEqualTo(password);
    assertThat(services.at("/mlflow/environment/MLFLOW_BACKEND_STORE_URI").asText()).contains(":" + password + "@");
    // every value under a secret-looking name comes from the environment, none from the file
    String file = Files.readString(COMPOSE);
    Matcher secret = Pattern.compile("(?im)^\\s*[A-Z_]*(PASSWORD|SECRET|TOKEN)[A-Z_]*:\\s*(\\S+)").matcher(file);
    int secrets = 0;
    while (secret.find()) {
      assertThat(secret.group(2)).as("a literal secret in compose.yaml").startsWith("${");
      secrets++;
    }
    Matcher userInfo = Pattern.compile("://[^/\\s:@]+:(\\$\\{[^}]*}|[^@\\s]+)@").matcher(file);
    while (userInfo.find()) {
      assertThat(userInfo.group(1)).as("a password in a URI of compose.yaml").startsWith("${");
      secrets++;
    }
    assertThat(secrets).isEqualTo(2);

    Path broken = tmp.resolve("compose.yaml");
    Files.writeString(broken, file.replaceFirst("healthcheck:", "healtcheck:"));
    Processes.Run rejected = Processes.run(PASSWORD, OpsTools.COMPOSE_CHECK.toString(), broken.toString());
    assertThat(rejected.exitCode()).isEqualTo(1);
    assertThat(rejected.stderr()).contains("healtcheck");
  }

  @Test
  void everyPathTheComposeFileNamesExists() throws Exception {
    JsonNode services = compose(PASSWORD, "--profile", "gpu").path("services");
    Set<String> stages = dockerfileStages();
    for (Map.Entry<String, JsonNode> s : entries(services)) {
      for (JsonNode v : s.getValue().path("volumes")) {
        if (v.path("type").asText().equals("bind")) {
          assertThat(Path.of(v.path("source").asText())).as(s.getKey() + " mounts").exists();
        }
      }
      JsonNode build = s.getValue().path("build");
      if (!build.isMissingNode()) {
        Path context = Path.of(build.path("context").asText());
        assertThat(context.resolve(build.path("dockerfile").asText())).as(s.getKey()).isEqualTo(DOCKERFILE);
        assertThat(stages).as(s.getKey() + " builds a stage of the Dockerfile").contains(build.path("target").asText());
      }
    }
    assertThat(Processes.ROOT.resolve("notebooks")).isDirectoryContaining("glob:**.zpln");
    // the files the job's command and the GPU worker name, inside the image's /opt/catalog-ml
    for (String inImage : List.of(services.at("/job/command").toString(),
        services.at("/spark-worker-gpu/environment/SPARK_WORKER_OPTS").asText())) {
      Matcher m = Pattern.compile("(?:/opt/catalog-ml/)?((?:conf|jobs)/[\\w./-]+)").matcher(inImage);
      int found = 0;
      while (m.find()) {
        assertThat(Processes.ROOT.resolve(m.group(1))).exists();
        found++;
      }
      assertThat(found).isPositive();
    }
  }

  @Test
  void everyPathTheDockerfileCopiesExistsAndIsInItsBuildContext() throws IOException {
    List<String> ignore = Files.readAllLines(Processes.ROOT.resolve("docker/Dockerfile.dockerignore")).stream()
        .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    List<String> sources = copySources();
    assertThat(sources).contains("jobs/", "conf/", "target/catalog-ml-*-spark.jar");
    for (String source : sources) {
      String glob = source.endsWith("/") ? source.substring(0, source.length() - 1) : source;
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      try (Stream<Path> files = Files.walk(Processes.ROOT, 2)) {
        List<Path> matched = files.filter(p -> matcher.matches(Processes.ROOT.relativize(p))).toList();
        assertThat(matched).as("COPY " + source + " (after mvn package)").isNotEmpty();
        matched.forEach(p -> assertThat(inContext(Processes.ROOT.relativize(p).toString(), ignore))
            .as(p + " is excluded by docker/Dockerfile.dockerignore").isTrue());
      }
    }
    assertThat(inContext(".venv/bin/python", ignore)).isFalse();
    assertThat(Processes.ROOT.resolve("jobs/submit.sh")).isExecutable(); // the ENTRYPOINT
    assertThat(Files.readString(DOCKERFILE)).contains("ENTRYPOINT [\"/opt/catalog-ml/jobs/submit.sh\"]");
  }

  @Test
  void theContainersConfigurationLoadsWithTheCatalogues() {
    CatalogConfig config = ConfigLoader.load(List.of(Processes.ROOT.resolve("conf/examples/fashion.conf"),
        Processes.ROOT.resolve("conf/examples/docker.conf")), List.of());
    assertThat(config.lake().root()).isEqualTo("/data/lake");
    assertThat(config.tracking().uri()).isEqualTo("http://mlflow:5000");
    assertThat(config.train().checkpointDir()).isEqualTo("/data/checkpoints");
  }

  /** The normalised project compose-go made of docker/compose.yaml. */
  static JsonNode compose(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(OpsTools.require(OpsTools.COMPOSE_CHECK).toString()));
    command.addAll(List.of(args));
    command.add(COMPOSE.toString());
    Processes.Run run = Processes.run(env, command.toArray(String[]::new));
    assertThat(run.exitCode()).as(run.toString()).isZero();
    return Json.mapper().readTree(run.stdout());
  }

  static List<Map.Entry<String, JsonNode>> entries(JsonNode node) {
    List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
    node.fields().forEachRemaining(out::add);
    return out;
  }

  static List<String> names(JsonNode node) {
    return entries(node).stream().map(Map.Entry::getKey).toList();
  }

  /** Dockerfile instructions, continuation lines joined, comments dropped. */
  static List<String> instructions() throws IOException {
    List<String> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String line : Files.readAllLines(DOCKERFILE, StandardCharsets.UTF_8)) {
      String l = line.strip();
      if (l.startsWith("#") || (l.isEmpty() && current.isEmpty())) {
        continue;
      }
      boolean more = l.endsWith("\\");
      current.append(more ? l.substring(0, l.length() - 1) : l).append(' ');
      if (!more) {
        out.add(current.toString().strip());
        current.setLength(0);
      }
    }
    return out;
  }

  static Set<String> dockerfileStages() throws IOException {
    Set<String> stages = new java.util.HashSet<>();
    for (String i : instructions()) {
      Matcher m = Pattern.compile("(?i)^FROM\\s+\\S+\\s+AS\\s+(\\S+)$").matcher(i);
      if (m.find()) {
        stages.add(m.group(1));
      }
    }
    return stages;
  }

  /** The sources of every COPY from the build context (not --from a stage), ARG defaults applied. */
  static List<String> copySources() throws IOException {
    Map<String, String> args = new HashMap<>();
    List<String> sources = new ArrayList<>();
    for (String i : instructions()) {
      String[] words = i.split("\\s+");
      if (words[0].equalsIgnoreCase("ARG") && words[1].contains("=")) {
        args.put(words[1].substring(0, words[1].indexOf('=')), words[1].substring(words[1].indexOf('=') + 1));
      } else if (words[0].equalsIgnoreCase("COPY") && !i.contains("--from=")) {
        List<String> operands = Stream.of(words).skip(1).filter(w -> !w.startsWith("--")).toList();
        for (String s : operands.subList(0, operands.size() - 1)) {
          Matcher m = Pattern.compile("\\$\\{(\\w+)}").matcher(s);
          sources.add(m.replaceAll(r -> Matcher.quoteReplacement(args.getOrDefault(r.group(1), ""))));
        }
      }
    }
    return sources;
  }

  /**
   * Whether a path is sent to the build, by .dockerignore rules: the last pattern that matches the
   * path or one of its parent folders decides, a {@code !} pattern re-includes (Docker's rule; its
   * {@code **} and escapes are not needed here).
   */
  static boolean inContext(String path, List<String> patterns) {
    boolean included = true;
    for (String pattern : patterns) {
      boolean negated = pattern.startsWith("!");
      String glob = (negated ? pattern.substring(1) : pattern).replaceAll("/$", "");
      var matcher = FileSystems.getDefault().getPathMatcher("glob:" + glob);
      for (Path p = Path.of(path); p != null; p = p.getParent()) {
        if (matcher.matches(p)) {
          included = negated;
          break;
        }
      }
    }
    return included;
  }
}
