package io.catalogml.tracking;

import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.mlflow.api.proto.Service.CreateExperiment;
import org.mlflow.api.proto.Service.CreateRun;
import org.mlflow.api.proto.Service.Experiment;
import org.mlflow.api.proto.Service.ExperimentTag;
import org.mlflow.api.proto.Service.Run;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.ViewType;
import org.mlflow.tracking.MlflowClient;
import org.mlflow.tracking.MlflowHttpException;

/**
 * A {@link Tracker} on an MLflow tracking server, from Java alone: runs, params, metrics and tags
 * through the mlflow-client ({@code logBatch}), the registry's write calls through
 * {@code sendPost}, artifacts through the server's proxied artifact API. Every request is retried
 * with backoff on transient failures ({@code tracking.retries}, {@code tracking.retry-wait-ms},
 * {@code tracking.timeout-seconds}). Experiments are created (or, lacking it, given) the tag
 * {@value RunTags#EXPERIMENT_KIND} = {@value RunTags#MODEL_DEVELOPMENT}.
 */
public final class MlflowServerTracker implements Tracker {
  private final String uri;
  private final MlflowClient client;
  private final Retry retry;
  private final ProxiedArtifacts artifacts;
  private final ServerRegistry registry;

  private MlflowServerTracker(String uri, Credentials credentials, TrackingSettings settings) {
    this.uri = Credentials.withoutUserInfo(uri).replaceAll("/+$", "");
    this.client = new MlflowClient(credentials.provider(this.uri));
    this.retry = new Retry(this.uri, settings.retries(), settings.retryWaitMillis(),
        Duration.ofSeconds(settings.timeoutSeconds()));
    this.artifacts = new ProxiedArtifacts(this.uri, credentials, retry);
    this.registry = new ServerRegistry(client, retry, artifacts);
  }

  /**
   * Connects to the server in {@code settings.uri()} and checks that it answers, once, without
   * retries: a server that is down at job start fails the job before any work.
   *
   * @throws CatalogException {@code tracking.unreachable} when the server does not answer
   */
  public static MlflowServerTracker connect(TrackingSettings settings, Credentials credentials) {
    MlflowServerTracker tracker = new MlflowServerTracker(settings.uri(), credentials, settings);
    String failure = tracker.retry.failureOf(
        () -> tracker.client.searchExperiments(null, ViewType.ACTIVE_ONLY, 1, List.of()));
    if (failure != null) {
      tracker.close();
      throw CatalogErrors.trackingUnreachable(tracker.uri, failure);
    }
    return tracker;
  }

  @Override
  public TrackedRun startRun(String experiment, String runName) {
    return startRun(experiment, experimentId(experiment), runName);
  }

  private TrackedRun startRun(String experiment, String experimentId, String runName) {
    RunInfo info = retry.call("start a run in experiment " + experiment, () -> client.createRun(
        CreateRun.newBuilder().setExperimentId(experimentId).setRunName(runName)
            .setStartTime(System.currentTimeMillis()).setUserId(RunTags.user()).build()));
    return new ServerRun(this, client, retry, artifacts, info);
  }

  /** {@code runs/search} in the experiment with a filter on the tag, oldest first; {@code runs/create} when none. */
  @Override
  public TrackedRun runTagged(String experiment, String tagKey, String tagValue, String runName) {
    String experimentId = experimentId(experiment);
    String filter = "tags.`" + Names.key(tagKey) + "` = " + quoted(Names.value(tagValue, Names.MAX_TAG_VALUE));
    Optional<RunInfo> found = retry.call("find the run of " + experiment + " tagged " + tagKey + " = " + tagValue,
        () -> client.searchRuns(List.of(experimentId), filter, ViewType.ACTIVE_ONLY, 1,
            List.of("attributes.start_time ASC")).getItems().stream().map(Run::getInfo).findFirst());
    if (found.isPresent()) {
      return new ServerRun(this, client, retry, artifacts, found.get());
    }
    return RunTags.tagged(startRun(experiment, experimentId, runName), Map.of(tagKey, tagValue));
  }

  /** A string literal of MLflow's search filters. */
  private static String quoted(String value) {
    return "'" + value.replace("'", "\\'") + "'";
  }

  /** The experiment's id, created with the {@link RunTags#EXPERIMENT_KIND} tag, or given it when it lacks one. */
  private String experimentId(String name) {
    Optional<Experiment> existing = retry.call("find experiment " + name, () -> byName(name));
    if (existing.isPresent()) {
      Experiment e = existing.get();
      if (e.getTagsList().stream().noneMatch(t -> t.getKey().equals(RunTags.EXPERIMENT_KIND))) {
        retry.run("tag experiment " + name, () -> client.setExperimentTag(e.getExperimentId(),
            RunTags.EXPERIMENT_KIND, RunTags.MODEL_DEVELOPMENT));
      }
      return e.getExperimentId();
    }
    CreateExperiment create = CreateExperiment.newBuilder().setName(name).addTags(ExperimentTag.newBuilder()
        .setKey(RunTags.EXPERIMENT_KIND).setValue(RunTags.MODEL_DEVELOPMENT)).build();
    return retry.call("create experiment " + name, () -> {
      try {
        return client.createExperiment(create);
      } catch (MlflowHttpException e) {
        if (e.getStatusCode() == 400 && String.valueOf(e.getBodyMessage()).contains("RESOURCE_ALREADY_EXISTS")) {
          return byName(name).map(Experiment::getExperimentId).orElseThrow(() -> e);
        }
        throw e;
      }
    });
  }

  /** By search, not get-by-name: the client logs a missing experiment's 404 as a rate limit and retries it. */
  private Optional<Experiment> byName(String name) {
    String filter = "name = " + quoted(name);
    return client.searchExperiments(filter, ViewType.ACTIVE_ONLY, 1, List.of()).getItems().stream()
        .filter(e -> e.getName().equals(name)).findFirst();
  }

  @Override
  public ModelRegistry registry() {
    return registry;
  }

  @Override
  public String uri() {
    return uri;
  }

  /** Requests sent so far, retries included. */
  long requests() {
    return retry.attempts();
  }

  @Override
  public void close() {
    retry.close();
    client.close();
  }
}
