package io.catalogml.tracking;

import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code mlflow server} from one of the project's virtualenvs ({@link MlflowVenv}, installed
 * by {@code jobs/test.sh}): sqlite backend and proxied artifacts in a folder, or an existing local
 * file store as {@code mlflow ui} opens it; on a free 127.0.0.1 port, one worker.
 */
public final class MlflowServer implements AutoCloseable {
  /** Root of the checkout: surefire and failsafe set {@code catalogml.root}. */
  public static final Path ROOT = Path.of(System.getProperty("catalogml.root", ".")).toAbsolutePath().normalize();
  /** The Python of the MLflow 2.17.2 virtualenv. */
  public static final Path PYTHON = MlflowVenv.MLFLOW_2.python();

  private final MlflowVenv venv;
  private final Path dir;
  private final String backend;
  private final int port;
  private final Process process;

  private MlflowServer(MlflowVenv venv, Path dir, String backend, int port, Process process) {
    this.venv = venv;
    this.dir = dir;
    this.backend = backend;
    this.port = port;
    this.process = process;
  }

  /** Starts an MLflow 2.17.2 server keeping its database and artifacts in {@code dir}, on a free port. */
  public static MlflowServer start(Path dir) throws IOException, InterruptedException {
    return start(MlflowVenv.MLFLOW_2, dir);
  }

  /** Starts a server of {@code venv}'s MLflow keeping its database and artifacts in {@code dir}, on a free port. */
  public static MlflowServer start(MlflowVenv venv, Path dir) throws IOException, InterruptedException {
    return launch(venv, dir, "sqlite:///" + dir.resolve("mlflow.db").toAbsolutePath(), freePort());
  }

  /**
   * Opens an existing local file store as {@code mlflow ui --backend-store-uri STORE} does (the UI
   * and its REST API on a free port; logs in {@code dir}). MLflow 3 refuses a file store unless
   * {@code MLFLOW_ALLOW_FILE_STORE=true}, which is set.
   */
  static MlflowServer openFileStore(MlflowVenv venv, Path store, Path dir) throws IOException, InterruptedException {
    return launch(venv, dir, store.toAbsolutePath().toUri().toString(), freePort());
  }

  private static MlflowServer launch(MlflowVenv venv, Path dir, String backend, int port)
      throws IOException, InterruptedException {
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(List.of(venv.mlflow().toString(), "server", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--workers", "1", "--backend-store-uri", backend,
        "--artifacts-destination", dir.resolve("artifacts").toAbsolutePath().toString()))
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("MLFLOW_"));
    // MLflow 3 starts four job consumers (GenAI scorers) beside the server unless told not to:
    // seconds of start-up on a busy machine, for nothing catalog-ml uses
    env.put("MLFLOW_SERVER_ENABLE_JOB_EXECUTION", "false");
    if (backend.startsWith("file:")) {
      env.put("MLFLOW_ALLOW_FILE_STORE", "true");
    }
    MlflowServer server = new MlflowServer(venv, dir, backend, port, pb.start());
    server.awaitHealthy(Duration.ofSeconds(120));
    return server;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String uri() {
    return "http://127.0.0.1:" + port;
  }

  /** The MLflow release the server runs. */
  public MlflowVenv venv() {
    return venv;
  }

  int port() {
    return port;
  }

  Path dir() {
    return dir;
  }

  /** Kills the server and its gunicorn workers at once, as a crash would. */
  void kill() throws InterruptedException {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
    waitUntilPortFree();
  }

  /** A new server on the same port with the same database and artifacts. */
  MlflowServer restart() throws IOException, InterruptedException {
    return launch(venv, dir, backend, port);
  }

  private void awaitHealthy(Duration limit) throws IOException, InterruptedException {
    Instant deadline = Instant.now().plus(limit);
    while (Instant.now().isBefore(deadline)) {
      if (!process.isAlive()) {
        throw new IOException("mlflow server exited with " + process.exitValue() + "; log:\n" + log());
      }
      try {
        HttpURLConnection c = (HttpURLConnection) URI.create(uri() + "/health").toURL().openConnection();
        c.setConnectTimeout(1000);
        c.setReadTimeout(2000);
        if (c.getResponseCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // still starting
      }
      Thread.sleep(250);
    }
    close();
    throw new IOException("mlflow server did not answer /health within " + limit.toSeconds() + " s; log:\n" + log());
  }

  private void waitUntilPortFree() throws InterruptedException {
    for (int i = 0; i < 100; i++) {
      try (ServerSocket s = new ServerSocket(port, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
        return;
      } catch (IOException busy) {
        Thread.sleep(100);
      }
    }
  }

  /** The tail of the server's log. */
  public String log() {
    try {
      String log = Files.readString(dir.resolve("server.log"));
      return log.substring(Math.max(0, log.length() - 4000));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
      return s.getLocalPort();
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
