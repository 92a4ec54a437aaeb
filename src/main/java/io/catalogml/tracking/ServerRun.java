package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.mlflow.api.proto.Service.Metric;
import org.mlflow.api.proto.Service.Param;
import org.mlflow.api.proto.Service.RunInfo;
import org.mlflow.api.proto.Service.RunTag;
import org.mlflow.tracking.MlflowClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run on an MLflow server. Params, tags and the metrics of one step go out in one
 * {@code logBatch} each (split only at MLflow's batch limits). When a request fails for good the
 * reason is kept, and {@link #close()} ends the run as FAILED with it once the server answers again.
 */
final class ServerRun implements TrackedRun {
  private static final Logger LOG = LoggerFactory.getLogger(ServerRun.class);
  private static final int MAX_PARAMS_OR_TAGS = 100;
  private static final int MAX_METRICS = 1000;

  private final MlflowServerTracker tracker;
  private final MlflowClient client;
  private final Retry retry;
  private final ProxiedArtifacts artifacts;
  private final RunInfo info;
  private volatile boolean endTried;
  private volatile String trackingFailure;

  /** A run as the server described it; one no longer RUNNING (found by a search) counts as ended. */
  ServerRun(MlflowServerTracker tracker, MlflowClient client, Retry retry, ProxiedArtifacts artifacts, RunInfo info) {
    this.tracker = tracker;
    this.client = client;
    this.retry = retry;
    this.artifacts = artifacts;
    this.info = info;
    this.endTried = info.getStatus() != org.mlflow.api.proto.Service.RunStatus.RUNNING;
  }

  @Override
  public String runId() {
    return info.getRunId();
  }

  @Override
  public String experimentId() {
    return info.getExperimentId();
  }

  @Override
  public Tracker tracker() {
    return tracker;
  }

  @Override
  public void logParams(Map<String, String> params) {
    List<Param> all = new ArrayList<>();
    Names.params(params).forEach((k, v) -> all.add(Param.newBuilder().setKey(k).setValue(v).build()));
    for (List<Param> chunk : chunks(all, MAX_PARAMS_OR_TAGS)) {
      guarded("log params", () -> client.logBatch(runId(), List.of(), chunk, List.of()));
    }
  }

  @Override
  public void setTags(Map<String, String> tags) {
    List<RunTag> all = new ArrayList<>();
    Names.tags(tags).forEach((k, v) -> all.add(RunTag.newBuilder().setKey(k).setValue(v).build()));
    for (List<RunTag> chunk : chunks(all, MAX_PARAMS_OR_TAGS)) {
      guarded("set tags", () -> client.logBatch(runId(), List.of(), List.of(), chunk));
    }
  }

  @Override
  public void logMetrics(Map<String, Double> metrics, long step) {
    long now = System.currentTimeMillis();
    List<Metric> all = new ArrayList<>();
    Names.metrics(metrics).forEach((k, v) -> all.add(
        Metric.newBuilder().setKey(k).setValue(v).setStep(step).setTimestamp(now).build()));
    for (List<Metric> chunk : chunks(all, MAX_METRICS)) {
      guarded("log metrics at step " + step, () -> client.logBatch(runId(), chunk, List.of(), List.of()));
    }
  }

  /** {@code metrics/get-history} of the run. */
  @Override
  public List<Long> metricSteps(String metric) {
    return retry.call("read the history of metric " + metric, () -> client.getMetricHistory(runId(),
        Names.key(metric))).stream().map(Metric::getStep).toList();
  }

  @Override
  public void logArtifact(Path fileOrFolder, String artifactPath) {
    String remote = ProxiedArtifacts.join(artifacts.remotePath(info.getArtifactUri()), Names.artifactPath(artifactPath));
    guarded("upload artifacts", () -> artifacts.upload(fileOrFolder, remote));
  }

  /** Downloads to {@code target/<last segment of artifactPath>} (the whole run for {@code ""}). */
  @Override
  public Path downloadArtifact(String artifactPath, Path target) {
    String path = Names.artifactPath(artifactPath);
    String root = artifacts.remotePath(info.getArtifactUri());
    if (path.isEmpty()) {
      artifacts.downloadFolder(root, target);
      return target;
    }
    String parent = path.contains("/") ? path.substring(0, path.lastIndexOf('/')) : "";
    String name = path.substring(path.lastIndexOf('/') + 1);
    ProxiedArtifacts.Entry entry = artifacts.list(ProxiedArtifacts.join(root, parent)).stream()
        .filter(e -> e.path().equals(path) || e.path().endsWith("/" + name) || e.path().equals(name))
        .findFirst().orElseThrow(() -> CatalogErrors.artifactNotFound(runId(), path));
    Path local = target.resolve(name);
    if (entry.dir()) {
      artifacts.downloadFolder(ProxiedArtifacts.join(root, path), local);
    } else {
      artifacts.downloadFile(ProxiedArtifacts.join(root, path), local);
    }
    return local;
  }

  @Override
  public void end(RunStatus status, String reason) {
    endTried = true;
    if (status != RunStatus.FINISHED && reason != null && !reason.isBlank()) {
      RunTag tag = RunTag.newBuilder().setKey(Names.FAILURE_TAG).setValue(Names.value(reason, Names.MAX_TAG_VALUE)).build();
      retry.run("record why the run failed", () -> client.logBatch(runId(), List.of(), List.of(), List.of(tag)));
    }
    retry.run("end the run as " + status, () -> client.setTerminated(runId(), toProto(status),
        System.currentTimeMillis()));
  }

  private static org.mlflow.api.proto.Service.RunStatus toProto(RunStatus status) {
    return org.mlflow.api.proto.Service.RunStatus.valueOf(status.name());
  }

  /** Ends the run FAILED unless {@link #end} was called (even if that call failed: its retries are spent). */
  @Override
  public void close() {
    if (endTried) {
      return;
    }
    String reason = trackingFailure != null ? trackingFailure : "the job did not finish (no end status was recorded)";
    try {
      end(RunStatus.FAILED, reason);
    } catch (CatalogException e) {
      LOG.warn("Tracking: run {} could not be marked FAILED and stays RUNNING on the server: {}", runId(),
          e.getMessage());
    }
  }

  private void guarded(String what, Runnable call) {
    try {
      retry.run(what, call);
    } catch (CatalogException e) {
      trackingFailure = "tracking failed: " + e.getMessage();
      throw e;
    }
  }

  private static <T> List<List<T>> chunks(List<T> all, int size) {
    List<List<T>> out = new ArrayList<>();
    for (int i = 0; i < all.size(); i += size) {
      out.add(all.subList(i, Math.min(all.size(), i + size)));
    }
    return out;
  }
}
