package io.catalogml.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueFactory;
import io.catalogml.core.CatalogErrors;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Loads the configuration of a run: the packaged defaults ({@code conf/application.conf}),
 * then each {@code --conf FILE} in order, then each {@code --set key=value}. Unknown keys and
 * bad values fail here, before any work starts.
 */
public final class ConfigLoader {
  /** Classpath location of the packaged copy of {@code conf/application.conf}. */
  public static final String DEFAULTS_RESOURCE = "catalog-ml/application.conf";

  private ConfigLoader() {}

  /** Loads and validates; throws {@link io.catalogml.core.CatalogException} on any problem. */
  public static CatalogConfig load(List<Path> files, List<String> overrides) {
    return CatalogConfig.from(merged(files, overrides));
  }

  /**
   * Loads one file with {@code KEY=VALUE} overrides, as {@code --conf FILE --set KEY=VALUE...} does: the
   * form a notebook paragraph calls ({@code ConfigLoader.load(Paths.get(conf), s"lake.root=$lake")}).
   */
  public static CatalogConfig load(Path file, String... overrides) {
    return load(List.of(file), List.of(overrides));
  }

  /**
   * The merged, resolved and key-checked raw configuration. Above the packaged defaults sits the block of
   * {@code train.by-mode} named by the chosen {@code model.mode}, if any, so that a mode's own defaults replace the
   * packaged ones and every key a file or {@code --set} gives still wins. Every block's keys and values are checked
   * whichever mode is chosen.
   */
  public static Config merged(List<Path> files, List<String> overrides) {
    Config defaults = ConfigFactory.parseResources(DEFAULTS_RESOURCE,
        ConfigParseOptions.defaults().setAllowMissing(false));
    Config given = ConfigFactory.empty();
    for (Path file : files) {
      given = parseFile(file).withFallback(given);
    }
    for (String override : overrides) {
      given = parseOverride(override).withFallback(given);
    }
    Config resolved = resolve(given.withFallback(defaults));
    rejectUnknownKeys(resolved);
    // Each block layered once and checked; the chosen mode's is the configuration.
    Map<String, Config> byMode = new LinkedHashMap<>();
    for (String mode : Settings.TRAIN_BY_MODE.read(resolved)) {
      Config block = resolved.getConfig(Settings.TRAIN_BY_MODE.path() + "." + mode).atPath("train");
      Config layered = resolve(given.withFallback(block).withFallback(defaults));
      CatalogConfig.from(layered);
      byMode.put(mode, layered);
    }
    return byMode.getOrDefault(Setting.configName(Settings.MODEL_MODE.read(resolved)), resolved);
  }

  private static Config resolve(Config merged) {
    try {
      return merged.resolve();
    } catch (ConfigException e) {
      throw CatalogErrors.unresolvableConfig(e.getMessage());
    }
  }

  private static Config parseFile(Path file) {
    if (!Files.isRegularFile(file)) {
      throw CatalogErrors.configFileNotFound(file);
    }
    try {
      return ConfigFactory.parseFile(file.toFile(), ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (ConfigException e) {
      throw CatalogErrors.configFileUnparseable(file, e.getMessage());
    }
  }

  /**
   * Parses {@code key=value}. A value starting with [ { or " is read as HOCON (a list, an object,
   * a quoted string) when it parses as such; anything else is a plain string.
   */
  static Config parseOverride(String override) {
    int eq = override.indexOf('=');
    if (eq <= 0) {
      throw CatalogErrors.malformedOverride(override);
    }
    String key = override.substring(0, eq).trim();
    String value = override.substring(eq + 1).trim();
    ConfigValue parsed = ConfigValueFactory.fromAnyRef(value, "--set " + key);
    if (value.startsWith("[") || value.startsWith("{") || value.startsWith("\"")) {
      try {
        parsed = ConfigFactory.parseString("v = " + value, ConfigParseOptions.defaults().setOriginDescription("--set " + key))
            .getValue("v");
      } catch (ConfigException e) {
        // not HOCON: keep the plain string (a regex such as [a-z]+, say)
      }
    }
    try {
      return ConfigFactory.empty("--set " + key).withValue(key, parsed);
    } catch (ConfigException e) {
      throw CatalogErrors.malformedOverride(override);
    }
  }

  private static void rejectUnknownKeys(Config config) {
    List<String> known = new ArrayList<>();
    for (Setting<?> s : Settings.ALL) {
      known.add(s.path());
    }
    String byMode = Settings.TRAIN_BY_MODE.path() + ".";
    for (Map.Entry<String, ConfigValue> entry : config.entrySet()) {
      String key = entry.getKey();
      List<String> candidates = known;
      boolean ok;
      if (key.startsWith(byMode)) {
        // train.by-mode.<mode>.<key>: <key> must be a train.* key (the mode is checked when the setting is read)
        String rest = key.substring(byMode.length());
        int dot = rest.indexOf('.');
        String mode = dot < 0 ? rest : rest.substring(0, dot);
        String trainKey = "train." + rest.substring(dot + 1);
        ok = dot > 0 && !trainKey.startsWith(byMode) && known.contains(trainKey);
        candidates = known.stream().filter(k -> k.startsWith("train.") && !k.equals(Settings.TRAIN_BY_MODE.path()))
            .map(k -> byMode + mode + "." + k.substring("train.".length())).toList();
      } else {
        ok = known.contains(key) || Settings.ALL.stream().anyMatch(s -> s.freeForm() && key.startsWith(s.path() + "."));
      }
      if (!ok) {
        String origin = entry.getValue().origin() == null ? "" : entry.getValue().origin().description();
        throw CatalogErrors.unknownConfigKey(key, origin, closest(key, candidates));
      }
    }
  }

  private static String closest(String key, List<String> known) {
    return known.stream().min(Comparator.comparingInt(k -> distance(k, key))).orElse("");
  }

  private static int distance(String a, String b) {
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }
}
