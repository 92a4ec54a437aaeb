package io.catalogml.tracking;

import io.catalogml.config.CatalogConfig.TrackingSettings;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.core.CatalogException;
import java.nio.file.Path;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Opens the tracker the configuration asks for: an MLflow server when {@code tracking.uri} is set
 * (checked to answer before any work starts), otherwise the local store in
 * {@code tracking.local-dir}. With {@code tracking.fallback = local} an unreachable server gives a
 * warning and the local store instead of a failure.
 */
public final class Trackers {
  private static final Logger LOG = LoggerFactory.getLogger(Trackers.class);

  private Trackers() {}

  /** Opens the tracker of {@code settings}, with credentials from the environment. */
  public static Tracker open(TrackingSettings settings) {
    return open(settings, System.getenv());
  }

  /**
   * Opens the tracker of {@code settings}, with credentials from {@code env}.
   *
   * @throws CatalogException {@code tracking.unreachable} when the server does not answer and the
   *     fallback is {@code fail}
   */
  public static Tracker open(TrackingSettings settings, Map<String, String> env) {
    if (settings.uri().isBlank()) {
      return LocalMlflowStore.open(Path.of(settings.localDir()));
    }
    try {
      return MlflowServerTracker.connect(settings, Credentials.from(env, settings.uri()));
    } catch (CatalogException e) {
      if (settings.fallback() != TrackingFallback.LOCAL || !"tracking.unreachable".equals(e.code())) {
        throw e;
      }
      LocalMlflowStore local = LocalMlflowStore.open(Path.of(settings.localDir()));
      LOG.warn("Tracking server {} cannot be reached; tracking.fallback=local: recording this run in the local "
          + "store {} instead. ({})", Credentials.withoutUserInfo(settings.uri()), local.uri(), e.getMessage());
      return local;
    }
  }
}
