package io.catalogml.cli;

import com.typesafe.config.ConfigRenderOptions;
import io.catalogml.config.ConfigLoader;
import io.catalogml.config.Setting;
import io.catalogml.config.Settings;
import io.catalogml.core.CatalogException;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code catalog-ml config}: prints the effective configuration or the key reference. */
@Command(name = "config", mixinStandardHelpOptions = true,
    description = "Check and print the effective configuration (defaults + --conf + --set), or every key.")
final class ConfigCommand implements Callable<Integer> {
  @Mixin
  JobOptions options;

  @Option(names = "--reference", description = "Print every key with its type and help as a Markdown table.")
  boolean reference;

  /** Every configuration key as a Markdown table (also in the README, checked by a test). */
  static String referenceTable() {
    StringBuilder table = new StringBuilder("| key | type | meaning |\n|---|---|---|\n");
    for (Setting<?> s : Settings.ALL) {
      table.append("| `").append(s.path()).append("` | ").append(s.type()).append(" | ").append(s.help())
          .append(" |\n");
    }
    return table.toString();
  }

  @Override
  public Integer call() {
    if (reference) {
      System.out.print(referenceTable());
      return 0;
    }
    try {
      options.load();
      System.out.println(ConfigLoader.merged(options.confFiles, options.overrides).root()
          .render(ConfigRenderOptions.defaults().setOriginComments(false).setJson(false)));
      return 0;
    } catch (CatalogException e) {
      System.err.println("catalog-ml config: " + e.getMessage());
      return e.exitCode();
    }
  }
}
