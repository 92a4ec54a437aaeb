package io.catalogml.tracking;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/**
 * The MLflow releases the tests run, each in a virtualenv of the checkout that {@code jobs/test.sh}
 * installs from its pinned requirements file: the server, its UI and the Python client read back with.
 */
public enum MlflowVenv {
  /** MLflow 2.17.2, the version of the Java mlflow-client. */
  MLFLOW_2(".venv", "jobs/lib/requirements.txt"),
  /** The current MLflow 3.x. */
  MLFLOW_3(".venv-mlflow3", "jobs/lib/requirements-mlflow3.txt");

  private final String dir;
  private final String requirements;

  MlflowVenv(String dir, String requirements) {
    this.dir = dir;
    this.requirements = requirements;
  }

  /** The {@code mlflow} command. */
  public Path mlflow() {
    return MlflowServer.ROOT.resolve(dir).resolve("bin/mlflow");
  }

  /** The virtualenv's Python, with mlflow importable. */
  public Path python() {
    return MlflowServer.ROOT.resolve(dir).resolve("bin/python");
  }

  /** Skips the test when the virtualenv has no mlflow, or fails it with {@code CI=true}. */
  public void require() {
    if (Files.isExecutable(mlflow()) && Files.isExecutable(python())) {
      return;
    }
    String why = "no MLflow in " + mlflow() + ": run jobs/test.sh once (it installs " + requirements + " into "
        + dir + ")";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + why);
    }
    Assumptions.abort(why);
  }
}
