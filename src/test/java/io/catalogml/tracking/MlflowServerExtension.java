package io.catalogml.tracking;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Starts one real {@link MlflowServer} per test class (in a temporary folder) and stops it after
 * the class; test methods receive it as a parameter. Without {@code .venv/bin/mlflow} the class is
 * skipped with a message, unless {@code CI=true}: then it fails.
 */
public final class MlflowServerExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MlflowServerExtension.class);

  /** Skips (or with CI=true fails) when the virtualenv has no mlflow. */
  public static void requireMlflow() {
    if (MlflowServer.installed()) {
      return;
    }
    String why = "no MLflow in " + MlflowServer.MLFLOW + ": run jobs/test.sh once (it installs "
        + "jobs/lib/requirements.txt into .venv)";
    if ("true".equals(System.getenv("CI"))) {
      throw new AssertionError("CI=true and " + why);
    }
    Assumptions.abort(why);
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    requireMlflow();
    Path dir = Files.createTempDirectory("catalog-ml-mlflow-server");
    MlflowServer server = MlflowServer.start(dir);
    context.getStore(NS).put("server", (ExtensionContext.Store.CloseableResource) server::close);
    context.getStore(NS).put("instance", server);
  }

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == MlflowServer.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getStore(NS).get("instance", MlflowServer.class);
  }
}
