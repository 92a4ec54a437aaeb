package io.catalogml.tracking;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The {@code meta.yaml} files of MLflow's file store: top-level keys in sorted order (as PyYAML
 * writes them), scalar values, and one level of nested string maps (a registered model's
 * aliases). Enough for what MLflow writes there; not a general YAML parser.
 *
 * <p>Scalars keep their YAML type through a read, change and write: a plain integer reads as a
 * {@code Long} and is written plain again, a quoted one stays a string. MLflow's readers cast the
 * times, the run status and a model version's number with {@code int}: quoted, the UI server
 * answers 500 ({@code 'str' object cannot be interpreted as an integer}).
 */
final class FileStoreYaml {
  private static final Pattern INTEGER = Pattern.compile("[-+]?[0-9]{1,18}");
  private static final Pattern DECIMAL = Pattern.compile("[-+]?[0-9]+\\.[0-9]*(?:[eE][-+]?[0-9]+)?");

  private FileStoreYaml() {}

  /** Writes {@code values} atomically; values are String, Number, Boolean, null, an empty List or a Map of strings. */
  static void write(Path file, Map<String, ?> values) throws IOException {
    StringBuilder out = new StringBuilder();
    for (Map.Entry<String, ?> e : new TreeMap<>(values).entrySet()) {
      out.append(e.getKey()).append(':');
      Object v = e.getValue();
      if (v instanceof Map<?, ?> map) {
        if (map.isEmpty()) {
          out.append(" {}\n");
        } else {
          out.append('\n');
          new TreeMap<>(map).forEach((k, x) -> out.append("  ").append(k).append(": ").append(scalar(x)).append('\n'));
        }
      } else if (v instanceof List<?> list && list.isEmpty()) {
        out.append(" []\n");
      } else {
        out.append(' ').append(scalar(v)).append('\n');
      }
    }
    replace(file, out);
  }

  /**
   * Replaces {@code file} with {@code text} in one rename, so a reader sees the old or the new file
   * whole. The temporary file's name is unique: two processes writing one file at once do not
   * take each other's.
   */
  static void replace(Path file, CharSequence text) throws IOException {
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling("." + file.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      Files.writeString(tmp, text, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Reads a file written by {@link #write} or by MLflow: plain integers as {@code Long}, plain
   * decimals as {@code Double}, {@code true}/{@code false} as {@code Boolean}, {@code null} as
   * null, {@code []} as an empty list (a run's {@code tags}), every other scalar (quoted or plain)
   * as a string; nested maps as maps of strings.
   */
  static Map<String, Object> read(Path file) throws IOException {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> nested = null;
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      if (line.isBlank() || line.startsWith("#")) {
        continue;
      }
      boolean indented = line.startsWith(" ");
      int colon = line.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String key = line.substring(0, colon).strip();
      String raw = line.substring(colon + 1).strip();
      if (indented && nested != null) {
        nested.put(unquote(key), unquote(raw));
      } else if (!indented) {
        if (raw.isEmpty()) {
          nested = new LinkedHashMap<>();
          values.put(key, nested);
        } else {
          nested = null;
          values.put(key, raw.equals("{}") ? new LinkedHashMap<String, String>()
              : raw.equals("[]") ? List.of() : typed(raw));
        }
      }
    }
    return values;
  }

  private static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return "'" + v.toString().replace("'", "''") + "'";
  }

  private static Object typed(String raw) {
    if (INTEGER.matcher(raw).matches()) {
      return Long.parseLong(raw);
    }
    if (DECIMAL.matcher(raw).matches()) {
      return Double.parseDouble(raw);
    }
    if (raw.equals("true") || raw.equals("false")) {
      return Boolean.parseBoolean(raw);
    }
    return unquote(raw);
  }

  private static String unquote(String raw) {
    if (raw.equals("null") || raw.equals("~")) {
      return null;
    }
    if (raw.length() >= 2 && raw.startsWith("'") && raw.endsWith("'")) {
      return raw.substring(1, raw.length() - 1).replace("''", "'");
    }
    if (raw.length() >= 2 && raw.startsWith("\"") && raw.endsWith("\"")) {
      return raw.substring(1, raw.length() - 1).replace("\\\"", "\"");
    }
    return raw;
  }
}
