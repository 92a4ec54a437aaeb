package io.catalogml.core;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/** Free local ports, for services a local run starts (the gradient-sharing parameter server). */
public final class Ports {
  private Ports() {}

  /** A TCP port free on this machine right now. */
  public static int free() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
