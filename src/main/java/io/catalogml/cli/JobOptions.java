package io.catalogml.cli;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;

/** Options every job takes: configuration files and overrides. */
public final class JobOptions {
  @Option(names = "--conf", paramLabel = "FILE",
      description = "HOCON file layered over conf/application.conf; repeatable, later files win.")
  List<Path> confFiles = new ArrayList<>();

  @Option(names = "--set", paramLabel = "KEY=VALUE",
      description = "Override one key, e.g. --set lake.root=/data/lake; repeatable, applied last.")
  List<String> overrides = new ArrayList<>();

  /** Loads the typed configuration, with extra overrides applied after the user's. */
  CatalogConfig load(String... extraOverrides) {
    List<String> all = new ArrayList<>(overrides);
    all.addAll(List.of(extraOverrides));
    return ConfigLoader.load(confFiles, all);
  }
}
