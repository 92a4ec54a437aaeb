package io.catalogml.ingest;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * A catalogue drop in some layout, read into the canonical frame described by
 * {@link SourceColumns}. Reading never drops a record: unparseable ones come back with
 * {@link SourceColumns#MALFORMED} set, so they can be quarantined.
 */
public interface CatalogueSource {
  /** Reads the drop. */
  Dataset<Row> read(SparkSession spark);

  /** Short name recorded with every product, e.g. {@code generic-csv}. */
  String name();

  /** Fully qualified URI of the folder image paths are relative to. */
  String imageRoot();

  /** False when the mapping gives products no image path at all. */
  boolean hasImageSource();

  /** False when the mapping gives products no title and no description (an image-only catalogue). */
  boolean hasText();
}
