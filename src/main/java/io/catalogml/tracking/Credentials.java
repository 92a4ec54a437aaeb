package io.catalogml.tracking;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import org.mlflow.tracking.creds.BasicMlflowHostCreds;
import org.mlflow.tracking.creds.MlflowHostCredsProvider;

/**
 * Credentials for a tracking server, from {@code MLFLOW_TRACKING_TOKEN} (bearer) or
 * {@code MLFLOW_TRACKING_USERNAME}/{@code MLFLOW_TRACKING_PASSWORD} (basic), or from user info in
 * the tracking URI. They go into request headers only: {@link #toString()} hides them, and
 * {@link #withoutUserInfo(String)} is what may be printed, logged or recorded.
 */
public final class Credentials {
  private final String token;
  private final String username;
  private final String password;

  private Credentials(String token, String username, String password) {
    this.token = blankToNull(token);
    this.username = blankToNull(username);
    this.password = password;
  }

  /** No credentials. */
  public static Credentials none() {
    return new Credentials(null, null, null);
  }

  /** Credentials from the environment, else from user info in {@code uri}. */
  public static Credentials from(Map<String, String> env, String uri) {
    Credentials fromEnv = new Credentials(env.get("MLFLOW_TRACKING_TOKEN"), env.get("MLFLOW_TRACKING_USERNAME"),
        env.get("MLFLOW_TRACKING_PASSWORD"));
    if (fromEnv.token != null || fromEnv.username != null) {
      return fromEnv;
    }
    return userInfo(uri).map(info -> {
      int colon = info.indexOf(':');
      return colon < 0 ? new Credentials(null, decode(info), "")
          : new Credentials(null, decode(info.substring(0, colon)), decode(info.substring(colon + 1)));
    }).orElse(none());
  }

  /** The {@code Authorization} header value, if there are credentials. */
  Optional<String> authorization() {
    if (token != null) {
      return Optional.of("Bearer " + token);
    }
    if (username != null) {
      String pair = username + ":" + (password == null ? "" : password);
      return Optional.of("Basic " + Base64.getEncoder().encodeToString(pair.getBytes(StandardCharsets.UTF_8)));
    }
    return Optional.empty();
  }

  /** The mlflow-client's credentials for {@code host} (a URI without user info). */
  MlflowHostCredsProvider provider(String host) {
    return new BasicMlflowHostCreds(host, username, password, token, false);
  }

  /** {@code uri} without user info ({@code http://u:p@h:5000} gives {@code http://h:5000}). */
  public static String withoutUserInfo(String uri) {
    return io.catalogml.config.CatalogConfig.withoutUserInfo(uri);
  }

  private static Optional<String> userInfo(String uri) {
    try {
      return Optional.ofNullable(new URI(uri).getRawUserInfo());
    } catch (URISyntaxException e) {
      return Optional.empty();
    }
  }

  private static String decode(String s) {
    return URLDecoder.decode(s, StandardCharsets.UTF_8);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }

  @Override
  public String toString() {
    return token != null ? "Credentials[bearer token]" : username != null ? "Credentials[basic auth]" : "Credentials[none]";
  }
}
