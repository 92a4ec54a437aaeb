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
 * A real {@code mlflow server} from the project's {@code .venv} (installed by {@code jobs/test.sh}
 * from jobs/lib/requirements.txt): sqlite backend and proxied artifacts in a folder, on a free
 * 127.0.0.1 port, one gunicorn worker.
 */
public final class MlflowServer implements AutoCloseable {
  /** Root of the checkout: surefire and failsafe set {@code catalogml.root}. */
  public static final Path ROOT = Path.of(System.getProperty("catalogml.root", ".")).toAbsolutePath().normalize();
  static final Path MLFLOW = ROOT.resolve(".venv/bin/mlflow");
  public static final Path PYTHON = ROOT.resolve(".venv/bin/python");

  private final Path dir;
  private final int port;
  private final Process process;

  private MlflowServer(Path dir, int port, Process process) {
    this.dir = dir;
    this.port = port;
    this.process = process;
  }

  /** Whether the virtualenv has mlflow (else the tests skip, or fail with CI=true). */
  static boolean installed() {
    return Files.isExecutable(MLFLOW) && Files.isExecutable(PYTHON);
  }

  /** Starts a server keeping its database and artifacts in {@code dir}, on a free port. */
  public static MlflowServer start(Path dir) throws IOException, InterruptedException {
    return start(dir, freePort());
  }

  /** Starts a server on {@code port} with the database and artifacts of {@code dir} (new or reused). */
  public static MlflowServer start(Path dir, int port) throws IOException, InterruptedException {
    Files.createDirectories(dir);
    ProcessBuilder pb = new ProcessBuilder(List.of(MLFLOW.toString(), "server", "--host", "127.0.0.1",
        "--port", Integer.toString(port), "--workers", "1",
        "--backend-store-uri", "sqlite:///" + dir.resolve("mlflow.db").toAbsolutePath(),
        "--artifacts-destination", dir.resolve("artifacts").toAbsolutePath().toString()))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("server.log").toFile()));
    Map<String, String> env = pb.environment();
    env.keySet().removeIf(k -> k.startsWith("MLFLOW_"));
    MlflowServer server = new MlflowServer(dir, port, pb.start());
    server.awaitHealthy(Duration.ofSeconds(120));
    return server;
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String uri() {
    return "http://127.0.0.1:" + port;
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
    return start(dir, port);
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
