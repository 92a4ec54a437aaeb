package io.catalogml.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A job's scratch folder on the driver (a downloaded model, a report before it is published). */
public final class WorkDirs {
  private static final Logger LOG = LoggerFactory.getLogger(WorkDirs.class);

  private WorkDirs() {}

  /** A new empty folder under the system's temporary folder, named {@code catalog-ml-<job>...}. */
  public static Path create(String job) {
    try {
      return Files.createTempDirectory("catalog-ml-" + job);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Deletes {@code dir} and everything under it; a failure is logged, not thrown (it is scratch). */
  public static void delete(Path dir) {
    try (var paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      LOG.warn("could not delete work folder {}: {}", dir, e.getMessage());
    }
  }
}
