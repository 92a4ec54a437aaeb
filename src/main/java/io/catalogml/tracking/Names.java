package io.catalogml.tracking;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * MLflow's limits on keys and values, applied the same way by both stores: keys keep letters,
 * digits, {@code _ - . / space} (others become {@code _}; quotes of HOCON keys are dropped), values
 * are cut to what the server accepts.
 */
final class Names {
  static final int MAX_PARAM_VALUE = 6000;
  static final int MAX_TAG_VALUE = 5000;
  static final int MAX_KEY = 250;

  /** Tag holding the reason of a FAILED or KILLED run. */
  static final String FAILURE_TAG = "catalogml.failure.reason";

  private Names() {}

  static String key(String key) {
    String k = key.replace("\"", "").replaceAll("[^A-Za-z0-9_\\-./ ]", "_").replaceAll("\\.\\.+", ".");
    k = k.replaceAll("^/+", "");
    if (k.isEmpty()) {
      k = "_";
    }
    return k.length() <= MAX_KEY ? k : k.substring(0, MAX_KEY);
  }

  static String value(String value, int max) {
    String v = value == null ? "" : value;
    return v.length() <= max ? v : v.substring(0, max - 3) + "...";
  }

  static Map<String, String> params(Map<String, String> params) {
    Map<String, String> out = new LinkedHashMap<>();
    params.forEach((k, v) -> out.put(key(k), value(v, MAX_PARAM_VALUE)));
    return out;
  }

  static Map<String, String> tags(Map<String, String> tags) {
    Map<String, String> out = new LinkedHashMap<>();
    tags.forEach((k, v) -> out.put(key(k), value(v, MAX_TAG_VALUE)));
    return out;
  }

  static Map<String, Double> metrics(Map<String, Double> metrics) {
    Map<String, Double> out = new LinkedHashMap<>();
    metrics.forEach((k, v) -> out.put(key(k), v));
    return out;
  }

  /** An artifact path inside a run: no leading or trailing '/', no '..'. */
  static String artifactPath(String path) {
    String p = path == null ? "" : path.replace('\\', '/').replaceAll("^/+|/+$", "");
    for (String segment : p.split("/")) {
      if (segment.equals("..")) {
        throw new IllegalArgumentException("artifact path may not contain '..': " + path);
      }
    }
    return p;
  }
}
