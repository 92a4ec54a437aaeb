package io.catalogml.core;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

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
  private final Map<String, Object> details;

  CatalogException(String code, String message, int exitCode, Throwable cause) {
    this(code, message, exitCode, cause, Map.of());
  }

  CatalogException(String code, String message, int exitCode, Throwable cause, Map<String, Object> details) {
    super(message, cause);
    this.code = code;
    this.exitCode = exitCode;
    this.details = Collections.unmodifiableMap(new LinkedHashMap<>(details));
  }

  /** A stable machine-readable code, e.g. {@code config.unknown-key}. */
  public String code() {
    return code;
  }

  /** Process exit code the CLI uses for this failure: one of the exit codes of {@link CatalogErrors}. */
  public int exitCode() {
    return exitCode;
  }

  /**
   * What the failure line carries beside code and message (the nightly chain: the stage that failed
   * and the results of the stages before it); empty for most failures.
   */
  public Map<String, Object> details() {
    return details;
  }
}
