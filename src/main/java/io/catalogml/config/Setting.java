package io.catalogml.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import io.catalogml.core.CatalogErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One typed configuration entry: its HOCON path, a parser and validator, and its help text.
 *
 * <p>The default value lives in {@code conf/application.conf} (packaged into the jar), so
 * there is exactly one place that holds defaults. {@link #read(Config)} turns the raw value
 * into {@code T} or throws a {@link io.catalogml.core.CatalogException} that names the key,
 * the value, where it came from and what is allowed.
 *
 * @param <T> the typed value
 */
public final class Setting<T> {
  private final String path;
  private final String type;
  private final String help;
  private final boolean freeForm;
  private final Reader<T> reader;

  @FunctionalInterface
  interface Reader<T> {
    /** Returns the typed value or a description of what is allowed (via {@link Invalid}). */
    T read(Config config, String path);
  }

  /** Thrown by readers; carries the "allowed" half of the message. */
  static final class Invalid extends RuntimeException {
    Invalid(String allowed) {
      super(allowed, null, false, false);
    }
  }

  private Setting(String path, String type, String help, boolean freeForm, Reader<T> reader) {
    this.path = path;
    this.type = type;
    this.help = help;
    this.freeForm = freeForm;
    this.reader = reader;
  }

  /** HOCON path, e.g. {@code source.format}. */
  public String path() {
    return path;
  }

  /** Short type description for the reference table, e.g. {@code one of: csv, json, parquet}. */
  public String type() {
    return type;
  }

  /** One-sentence help text. */
  public String help() {
    return help;
  }

  /** True for a map entry whose sub-keys are free (e.g. {@code spark.conf}). */
  public boolean freeForm() {
    return freeForm;
  }

  /** Reads and validates this setting from a resolved config. */
  public T read(Config config) {
    if (!config.hasPathOrNull(path)) {
      throw CatalogErrors.missingConfigKey(path, help);
    }
    try {
      return reader.read(config, path);
    } catch (Invalid e) {
      throw CatalogErrors.badConfigValue(path, render(config), origin(config), e.getMessage());
    } catch (ConfigException.WrongType | ConfigException.Null | ConfigException.BadValue e) {
      throw CatalogErrors.badConfigValue(path, render(config), origin(config), type);
    }
  }

  private String render(Config config) {
    if (config.getIsNull(path)) {
      return "null";
    }
    return config.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  private String origin(Config config) {
    if (!config.hasPathOrNull(path) || config.getIsNull(path)) {
      return "";
    }
    ConfigValue v = config.getValue(path);
    return v.origin() == null ? "" : v.origin().description();
  }

  // ---- factories -------------------------------------------------------------------------

  static Setting<String> string(String path, String help) {
    return new Setting<>(path, "string", help, false, Config::getString);
  }

  static Setting<String> nonEmpty(String path, String help) {
    return new Setting<>(path, "non-empty string", help, false, (c, p) -> {
      String s = c.getString(p);
      if (s.isBlank()) {
        throw new Invalid("a non-empty string");
      }
      return s;
    });
  }

  static Setting<String> singleChar(String path, String help) {
    return new Setting<>(path, "one character", help, false, (c, p) -> {
      String s = c.getString(p);
      if (s.length() != 1) {
        throw new Invalid("exactly one character");
      }
      return s;
    });
  }

  static Setting<String> matching(String path, String regex, String allowed, String help) {
    Pattern pattern = Pattern.compile(regex);
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      String s = c.getString(p);
      if (!pattern.matcher(s).matches()) {
        throw new Invalid(allowed);
      }
      return s;
    });
  }

  static <E extends Enum<E>> Setting<E> oneOf(String path, Class<E> type, String help) {
    E[] values = type.getEnumConstants();
    String allowed = "one of: " + String.join(", ", configNames(type));
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      String s = c.getString(p).trim();
      for (E e : values) {
        if (configName(e).equals(s)) {
          return e;
        }
      }
      throw new Invalid(allowed);
    });
  }

  static Setting<Integer> intRange(String path, int min, int max, String help) {
    String allowed = "an integer from " + min + " to " + max;
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      int v = c.getInt(p);
      if (v < min || v > max) {
        throw new Invalid(allowed);
      }
      return v;
    });
  }

  static Setting<Double> fraction(String path, String help) {
    String allowed = "a number from 0 to 1";
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      double v = c.getDouble(p);
      if (v < 0 || v > 1) {
        throw new Invalid(allowed);
      }
      return v;
    });
  }

  static Setting<Double> doubleRange(String path, double min, double max, String help) {
    String allowed = "a number from " + min + " to " + max;
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      double v = c.getDouble(p);
      if (!(v >= min && v <= max)) {
        throw new Invalid(allowed);
      }
      return v;
    });
  }

  /**
   * A HOCON duration ({@code 7 days}, {@code 36 hours}, {@code 30 seconds}, {@code 7d}) of at least
   * zero and at most {@code maxDays} days.
   */
  static Setting<java.time.Duration> duration(String path, int maxDays, String help) {
    String allowed = "a duration like '7 days', '36 hours' or '30 seconds', at most " + maxDays + " days";
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      java.time.Duration v = c.getDuration(p);
      if (v.isNegative() || v.compareTo(java.time.Duration.ofDays(maxDays)) > 0) {
        throw new Invalid(allowed);
      }
      return v;
    });
  }

  static Setting<List<Integer>> intList(String path, int min, int max, int maxSize, String help) {
    return intList(path, min, max, 1, maxSize, help);
  }

  static Setting<List<Integer>> intList(String path, int min, int max, int minSize, int maxSize, String help) {
    String allowed = "a list of " + minSize + " to " + maxSize + " integers from " + min + " to " + max;
    return new Setting<>(path, allowed, help, false, (c, p) -> {
      List<Integer> values = c.getIntList(p);
      if (values.size() < minSize || values.size() > maxSize || values.stream().anyMatch(v -> v < min || v > max)) {
        throw new Invalid(allowed);
      }
      return List.copyOf(values);
    });
  }

  static Setting<Boolean> bool(String path, String help) {
    return new Setting<>(path, "true or false", help, false, Config::getBoolean);
  }

  static Setting<List<String>> stringListOf(String path, Set<String> allowed, String help) {
    String description = "a list of: " + String.join(", ", new java.util.TreeSet<>(allowed));
    return new Setting<>(path, description, help, false, (c, p) -> {
      List<String> values = c.getStringList(p);
      if (!allowed.containsAll(values)) {
        throw new Invalid(description);
      }
      return List.copyOf(values);
    });
  }

  static Setting<Pattern> regex(String path, String help) {
    return new Setting<>(path, "Java regular expression", help, false, (c, p) -> {
      try {
        return Pattern.compile(c.getString(p));
      } catch (PatternSyntaxException e) {
        throw new Invalid("a valid Java regular expression (" + e.getDescription() + ")");
      }
    });
  }

  static Setting<List<String>> stringList(String path, String help) {
    return new Setting<>(path, "list of strings", help, false,
        (c, p) -> List.copyOf(c.getStringList(p)));
  }

  static Setting<Set<String>> stringSet(String path, String help) {
    return new Setting<>(path, "list of strings", help, false,
        (c, p) -> Set.copyOf(c.getStringList(p)));
  }

  static Setting<Map<String, String>> stringMap(String path, String help) {
    return new Setting<>(path, "object of string values", help, true, (c, p) -> {
      Map<String, String> out = new LinkedHashMap<>();
      Config sub = c.getConfig(p);
      for (Map.Entry<String, ConfigValue> e : sub.entrySet()) {
        Object raw = e.getValue().unwrapped();
        if (raw == null || raw instanceof List || raw instanceof Map) {
          throw new Invalid("an object whose values are strings, numbers or booleans");
        }
        out.put(unquote(e.getKey()), String.valueOf(raw));
      }
      return Map.copyOf(out);
    });
  }

  /**
   * An object of blocks named by an enum's configuration names, each holding keys of {@code prefix}: defaults
   * that apply when that value is chosen ({@link ConfigLoader} layers the chosen block and checks every key and value
   * of every block). Read, it is the names of the blocks present, e.g. {@code [image]}.
   */
  static <E extends Enum<E>> Setting<Set<String>> blocksByEnum(String path, Class<E> type, String prefix, String help) {
    List<String> names = configNames(type);
    return new Setting<>(path, "object: " + String.join(", ", names) + " -> " + prefix + ".* keys", help, true, (c, p) -> {
      Config sub = c.getConfig(p);
      for (String name : sub.root().keySet()) {
        if (!names.contains(name) || !(sub.getValue(name) instanceof ConfigObject)) {
          throw new Invalid("an object whose keys are " + String.join(", ", names) + ", each an object of "
              + prefix + ".* keys");
        }
      }
      return Set.copyOf(sub.root().keySet());
    });
  }

  /** The configuration names of every constant of {@code type}, in declaration order. */
  private static <E extends Enum<E>> List<String> configNames(Class<E> type) {
    List<String> names = new ArrayList<>();
    for (E e : type.getEnumConstants()) {
      names.add(configName(e));
    }
    return names;
  }

  /** The name an enum constant has in configuration: lower case, '-' for '_'. */
  public static String configName(Enum<?> e) {
    return e.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }

  private static String unquote(String key) {
    return key.length() >= 2 && key.startsWith("\"") && key.endsWith("\"")
        ? key.substring(1, key.length() - 1)
        : key;
  }

  @Override
  public String toString() {
    return path + " (" + type + ")";
  }
}
