package io.catalogml.ingest;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What one ingest run did. Every input row is accounted for:
 * {@code rowsIn = upserted + unchanged + quarantined}, and {@code upserted = inserted + updated}.
 *
 * @param job always {@code ingest}
 * @param runId id of this run, stamped on every row it wrote
 * @param source source layout, e.g. {@code generic-csv}
 * @param input the drop folder
 * @param rowsIn input records read
 * @param upserted products inserted or updated
 * @param inserted new products
 * @param updated products whose record changed
 * @param unchanged valid rows identical to the stored product
 * @param quarantined rows written to quarantine
 * @param quarantineReasons quarantined rows per reason code
 * @param keptWithoutImage valid products kept with a missing image ({@code ingest.missing-image = keep})
 * @param productsTable logical name of the products table
 * @param productsVersion Delta version of the products table after the run
 * @param quarantineTable logical name of the quarantine table
 * @param quarantineVersion Delta version of the quarantine table after the run
 * @param conflictRetries times the products MERGE lost a race with another writer and was redone
 * @param seconds wall time of the stage
 */
public record IngestResult(
    String job,
    String runId,
    String source,
    String input,
    long rowsIn,
    long upserted,
    long inserted,
    long updated,
    long unchanged,
    long quarantined,
    Map<String, Long> quarantineReasons,
    long keptWithoutImage,
    String productsTable,
    long productsVersion,
    String quarantineTable,
    long quarantineVersion,
    int conflictRetries,
    double seconds) implements StageResult {}
