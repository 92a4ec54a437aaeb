package io.catalogml.tracking;

import io.catalogml.core.CatalogErrors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A parsed {@code models:/NAME@ALIAS} or {@code models:/NAME/VERSION}.
 *
 * @param name registered model name
 * @param alias the alias, or null
 * @param version the version, or null
 */
public record ModelUri(String name, String alias, String version) {
  private static final Pattern URI = Pattern.compile("models:/([^/@]+)(?:@([A-Za-z0-9_\\-]+)|/([0-9]+))");

  /** Parses a models:/ URI; fails with registry.bad-uri otherwise. */
  public static ModelUri parse(String uri) {
    Matcher m = URI.matcher(uri == null ? "" : uri.strip());
    if (!m.matches()) {
      throw CatalogErrors.badModelUri(uri);
    }
    return new ModelUri(m.group(1), m.group(2), m.group(3));
  }

  @Override
  public String toString() {
    return "models:/" + name + (alias != null ? "@" + alias : "/" + version);
  }
}
