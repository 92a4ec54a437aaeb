package io.catalogml.feedback;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What one feedback run did. Every row of the file is accounted for:
 * {@code rowsIn = inserted + updated + unchanged + quarantined}.
 *
 * @param job always {@code feedback}
 * @param runId id of this run, stamped on every row it wrote
 * @param input the corrections file (or folder)
 * @param rowsIn correction rows read
 * @param inserted products corrected for the first time
 * @param updated products whose correction changed (label, reviewer or note)
 * @param unchanged rows identical to the stored correction
 * @param quarantined rows written to the feedback quarantine
 * @param quarantineReasons quarantined rows per reason code
 * @param feedbackVersion Delta version of gold.feedback after the run
 * @param quarantineVersion Delta version of the feedback quarantine after the run (null: none written yet)
 * @param productsVersion Delta version of bronze.products the product ids were checked against
 * @param seconds wall time
 */
public record FeedbackResult(String job, String runId, String input, long rowsIn, long inserted, long updated,
    long unchanged, long quarantined, Map<String, Long> quarantineReasons, long feedbackVersion,
    Long quarantineVersion, long productsVersion, double seconds) implements StageResult {}
