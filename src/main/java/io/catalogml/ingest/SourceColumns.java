package io.catalogml.ingest;

/**
 * Column names of the canonical frame every {@link CatalogueSource} returns: one row per input
 * record, with where it came from and the mapped product fields, all strings.
 */
public final class SourceColumns {
  private SourceColumns() {}

  /** Path of the file the record was read from. */
  public static final String SOURCE_FILE = "source_file";
  /** 1-based record number within its file (header excluded). */
  public static final String SOURCE_ROW = "source_row";
  /** The record as it was read, as JSON (or the raw text of an unparseable record). */
  public static final String RAW_RECORD = "raw_record";
  /** Non-null when the record could not be parsed. */
  public static final String MALFORMED = "malformed";
  public static final String PRODUCT_ID = "product_id";
  public static final String TITLE = "title";
  public static final String DESCRIPTION = "description";
  public static final String LABEL = "label";
  /** Image path relative to the image root, as given by the source. */
  public static final String IMAGE_REF = "image_ref";
  /** The first field whose {@code source.generic.expressions} entry gave null on this row, else null. */
  public static final String EXPRESSION_NULL = "expression_null";
  /** Extra source columns kept as a string map. */
  public static final String ATTRIBUTES = "attributes";
}
