package io.catalogml.ingest;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What an ingest run would do with the drop now ({@code --dry-run}): the drop read and validated,
 * compared with {@code bronze.products}, nothing written.
 *
 * @param job always {@code ingest}
 * @param dryRun always true
 * @param input the drop folder
 * @param rowsIn input records read
 * @param wouldInsert valid products not in bronze yet
 * @param wouldUpdate valid products whose record changed
 * @param unchanged valid products identical to the stored ones
 * @param wouldQuarantine rows that fail validation
 * @param quarantineReasons those rows per reason code
 * @param productsVersion version of bronze.products compared with, or null when it does not exist yet
 */
public record IngestPlan(String job, boolean dryRun, String input, long rowsIn, long wouldInsert, long wouldUpdate,
    long unchanged, long wouldQuarantine, Map<String, Long> quarantineReasons, Long productsVersion)
    implements StageResult {}
