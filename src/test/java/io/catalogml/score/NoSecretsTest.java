package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.tracking.JobTracking;
import io.catalogml.tracking.MlflowServer;
import io.catalogml.tracking.MlflowServerExtension;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.PythonReadBack;
import io.catalogml.tracking.TrackedRun;
import io.catalogml.train.TrainFixtures;
import io.catalogml.train.TrainResult;
import io.catalogml.train.TrainStage;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.WriterAppender;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A tracking URI with a password in it ({@code http://user:password@host}) through the whole
 * chain, ingest → preprocess → train → score, against a real MLflow server: the password reaches
 * no param, tag, metric or artifact of any run (read back with MLflow's Python client), no file
 * the jobs wrote (model package included), no printed result and no log line.
 */
@ExtendWith(MlflowServerExtension.class)
class NoSecretsTest extends SparkTestBase {
  static final String SECRET = "pa55-Wr0ng-H4nds";

  @TempDir
  Path dir;

  interface Body {
    StageResult run(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry);
  }

  @Test
  void aPasswordInTheTrackingUriReachesNoParamTagArtifactFileOrLog(MlflowServer server) throws Exception {
    String uri = server.uri().replace("http://", "http://catalog:" + SECRET + "@");
    StringWriter logs = new StringWriter();
    WriterAppender appender = capture(logs);
    List<String> printed = new ArrayList<>();
    List<String> runs = new ArrayList<>();
    CatalogConfig config;
    try {
      Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
      config = TrainFixtures.config(dir, drop, "tracking.uri=" + uri, "model.type=mllib-logreg");
      assertThat(config.flat().toString()).as("the secret is in the configuration").contains(SECRET);
      CatalogConfig c = config;
      List<Body> chain = List.of(
          (s, conf, run, reg) -> new IngestStage(s, conf).execute(),
          (s, conf, run, reg) -> new PreprocessStage(s, conf, false).execute(),
          (s, conf, run, reg) -> new TrainStage(s, conf, run, reg, false).execute(),
          (s, conf, run, reg) -> new ScoreStage(s, conf, run, reg, null, false).execute(),
          (s, conf, run, reg) -> new io.catalogml.monitor.MonitorStage(s, conf, run, reg, null).execute());
      List<String> jobs = List.of("ingest", "preprocess", "train", "score", "monitor");
      for (int i = 0; i < chain.size(); i++) {
        try (JobTracking tracking = JobTracking.start(jobs.get(i), c)) {
          StageResult r = chain.get(i).run(spark, c, tracking.run(), tracking.registry());
          printed.add(tracking.finished(r).toString());
          runs.add(tracking.runId());
          if (r instanceof TrainResult t) {
            assertThat(t.modelVersion()).isEqualTo("1");
          }
        }
      }
    } finally {
      LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
      ctx.getConfiguration().getRootLogger().removeAppender(appender.getName());
      ctx.updateLoggers();
      appender.stop();
    }

    assertThat(logs.toString()).as("logs were captured").contains("Tracking score run");
    assertThat(logs.toString()).doesNotContain(SECRET);
    assertThat(printed).hasSize(5).allSatisfy(line -> assertThat(line).doesNotContain(SECRET));
    for (String runId : runs) {
      JsonNode back = PythonReadBack.read(server.uri(), runId, "product-type");
      assertThat(back.toString()).as("run %s as MLflow sees it", runId).doesNotContain(SECRET);
      assertThat(back.path("params").path("tracking.uri").asText()).isEqualTo(server.uri());
    }
    JsonNode monitor = PythonReadBack.read(server.uri(), runs.get(4), null);
    assertThat(monitor.path("artifacts").toString()).as("the report, through the server's proxied artifacts")
        .contains("monitor-report.md", "monitor-report.png");
    assertThat(monitor.path("tags").path("catalogml.monitor.status").asText()).isEqualTo("ok");
    JsonNode train = PythonReadBack.read(server.uri(), runs.get(2), null);
    assertThat(train.path("texts").path("model/model-card.json").asText())
        .as("the model card is among the artifacts read back").contains("\"tracking.uri\"");
    try (Stream<Path> files = Files.walk(dir)) {
      for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile)::iterator) {
        if (Files.size(f) < 50_000_000) {
          assertThat(new String(Files.readAllBytes(f), java.nio.charset.StandardCharsets.ISO_8859_1))
              .as("file %s", f).doesNotContain(SECRET);
        }
      }
    }
  }

  private static WriterAppender capture(StringWriter target) {
    LoggerContext ctx = (LoggerContext) LogManager.getContext(false);
    WriterAppender appender = WriterAppender.newBuilder().setName("no-secrets-test").setTarget(target)
        .setLayout(PatternLayout.newBuilder().withPattern("%c %m%n%ex").build()).build();
    appender.start();
    ctx.getConfiguration().getRootLogger().addAppender(appender, Level.ALL, null);
    ctx.updateLoggers();
    return appender;
  }
}
