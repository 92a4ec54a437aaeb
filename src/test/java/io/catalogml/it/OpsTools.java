package io.catalogml.it;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

/**
 * The tools of the docker and schedule checks, installed by jobs/test.sh into {@code .venv-ops}
 * (pinned in jobs/lib/requirements-ops.txt, compose-check built from jobs/lib/compose-check).
 */
final class OpsTools {
  static final Path VENV = Processes.ROOT.resolve(".venv-ops");
  static final Path PYTHON = VENV.resolve("bin/python");
  static final Path HADOLINT = VENV.resolve("bin/hadolint");
  static final Path COMPOSE_CHECK = VENV.resolve("bin/compose-check");

  private OpsTools() {}

  /** Skips the calling test when the tool is missing, and fails it under CI=true. */
  static Path require(Path tool) {
    boolean present = Files.isExecutable(tool);
    if (!present && "true".equals(System.getenv("CI"))) {
      Assertions.fail(tool + " is missing; jobs/test.sh installs it (jobs/lib/requirements-ops.txt, "
          + "jobs/lib/compose-check)");
    }
    Assumptions.assumeTrue(present, tool + " missing: run the tests through jobs/test.sh");
    return tool;
  }
}
