package io.catalogml.ingest;

import java.util.Locale;

/**
 * Why an input row was not ingested. The {@link #code()} is what the quarantine table's
 * {@code reason} column holds; each row also gets a message saying what to fix.
 */
public enum QuarantineReason {
  /** The record could not be parsed (wrong field count, broken quoting, invalid JSON). */
  MALFORMED_RECORD,
  /** A {@code source.generic.expressions} entry (or the image folder's label pattern) gave null for the row. */
  EXPRESSION_NULL,
  /** The product id is empty. */
  MISSING_ID,
  /** The product id does not match {@code ingest.id-pattern}. */
  MALFORMED_ID,
  /** The same product id appears later in the same drop; the last occurrence wins. */
  DUPLICATE_ID,
  /** Both title and description are empty. */
  MISSING_TEXT,
  /**
   * The id, title, description or label holds U+FFFD, the character a decoder puts for bytes that
   * are not valid in the declared encoding ({@code source.csv.encoding}; JSON and Parquet are UTF-8).
   */
  INVALID_ENCODING,
  /** The label is not in {@code ingest.labels}. */
  UNKNOWN_LABEL,
  /** The image file does not exist (or no image path was given). */
  IMAGE_MISSING,
  /** The image file exists but cannot be read, or its header is corrupt. */
  IMAGE_UNREADABLE,
  /** The file is not an image any decoder recognises. */
  IMAGE_NOT_AN_IMAGE,
  /**
   * The image path is absolute or leaves the image root (e.g. {@code ../../etc/passwd}), is a link
   * that resolves outside it, or is not a regular file (a device, FIFO or socket).
   */
  IMAGE_PATH_ESCAPE,
  /** The image file has more bytes than {@code ingest.max-image-bytes}; it is never read whole. */
  IMAGE_TOO_LARGE;

  /** The code stored in the quarantine table, e.g. {@code duplicate_id}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
