package io.catalogml.tracking;

import java.lang.annotation.ElementType;
import java.lang.annotation.Inherited;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.platform.commons.support.AnnotationSupport;

/**
 * Starts one real {@link MlflowServer} per test class (in a temporary folder) and stops it after
 * the class; test methods receive it as a parameter. The server runs MLflow 2.17.2 unless the class
 * (or a superclass) says otherwise with {@link Release}, so a subclass runs the same tests against
 * another release. Without the release's virtualenv the class is skipped with a message, unless
 * {@code CI=true}: then it fails.
 */
public final class MlflowServerExtension implements BeforeAllCallback, ParameterResolver {
  private static final ExtensionContext.Namespace NS = ExtensionContext.Namespace.create(MlflowServerExtension.class);

  /** The MLflow release whose server the test class runs against. */
  @Target(ElementType.TYPE)
  @Retention(RetentionPolicy.RUNTIME)
  @Inherited
  public @interface Release {
    /** The release's virtualenv. */
    MlflowVenv value();
  }

  /** Skips (or with CI=true fails) when the virtualenv has no MLflow 2.17.2. */
  public static void requireMlflow() {
    MlflowVenv.MLFLOW_2.require();
  }

  @Override
  public void beforeAll(ExtensionContext context) throws Exception {
    MlflowVenv venv = AnnotationSupport.findAnnotation(context.getRequiredTestClass(), Release.class)
        .map(Release::value).orElse(MlflowVenv.MLFLOW_2);
    venv.require();
    Path dir = Files.createTempDirectory("catalog-ml-mlflow-server");
    MlflowServer server = MlflowServer.start(venv, dir);
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
