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

/**
 * The {@code meta.yaml} files of MLflow's file store: top-level keys in sorted order (as PyYAML
 * writes them), scalar values, and one level of nested string maps (a registered model's
 * aliases). Enough for what MLflow writes there; not a general YAML parser.
 */
final class FileStoreYaml {
  private FileStoreYaml() {}

  /** Writes {@code values} atomically; values are String, Number, null, an empty List or a Map of strings. */
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
    Files.createDirectories(file.getParent());
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.writeString(tmp, out, StandardCharsets.UTF_8);
    Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Reads a file written by {@link #write} or by MLflow: scalars as strings (null for null), maps as maps. */
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
          values.put(key, raw.equals("{}") ? new LinkedHashMap<String, String>() : unquote(raw));
        }
      }
    }
    return values;
  }

  private static String scalar(Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Number) {
      return v.toString();
    }
    return "'" + v.toString().replace("'", "''") + "'";
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
