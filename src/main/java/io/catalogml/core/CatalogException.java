package io.catalogml.core;

/**
 * A failure a user can act on: bad configuration, a missing input, a broken source file.
 *
 * <p>Always built by {@link CatalogErrors}, so that every message says what went wrong, why,
 * and how to fix it. The CLI prints the message without a stack trace and exits with
 * {@link #exitCode()}.
 */
public class CatalogException extends RuntimeException {
  private final String code;
  private final int exitCode;

  CatalogException(String code, String message, int exitCode, Throwable cause) {
    super(message, cause);
    this.code = code;
    this.exitCode = exitCode;
  }

  /** A stable machine-readable code, e.g. {@code config.unknown-key}. */
  public String code() {
    return code;
  }

  /** Process exit code the CLI uses for this failure (2 = usage/configuration, 1 = runtime). */
  public int exitCode() {
    return exitCode;
  }
}
