package io.catalogml.score;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What one score run did. {@code scored + unchanged + quarantined} = products in
 * {@code bronze.products} at {@code productsVersion}.
 *
 * @param job always {@code score}
 * @param runId id of this score run (the {@code score_run_id} of the rows it wrote)
 * @param full whether every product was rescored
 * @param model the model as asked for
 * @param modelName registered model name
 * @param modelVersion registry version (null for a package folder)
 * @param modelAlias alias resolved (null when none)
 * @param modelRunId tracking run that made the model
 * @param modelType {@code dl4j} or {@code mllib-logreg}
 * @param modelMode inputs of the model
 * @param products products in bronze
 * @param scored products given a new prediction
 * @param unchanged products whose prediction (or quarantine row) is already this model's, for their current content
 * @param removed predictions deleted: their product left bronze, or it can no longer be scored
 * @param relabelled predictions kept (among {@code unchanged}) whose label changed, given the new one without
 *     scoring again: a correction arrived in gold.feedback, or the catalogue relabelled the product
 * @param quarantined products the model cannot score (in the score quarantine table with the reason)
 * @param quarantineReasons quarantined products by reason
 * @param textOnly scored products whose image was not used (the text path)
 * @param featurisedFromBronze products scored from features computed from bronze with the model's own pipeline
 * @param fromSilver products scored from silver's rows as they are
 * @param productsVersion Delta version of bronze.products read
 * @param featuresVersion Delta version of silver.features read (null when there is none)
 * @param predictionsVersion Delta version of the predictions table after the run
 * @param quarantineVersion Delta version of the score quarantine table after the run
 * @param networkLoads times the network was deserialised on the executors (DL4J; 0 for MLlib)
 * @param rowsPerSecond products featurised and scored per second of inference
 * @param meanProbability mean top probability over the whole predictions table
 * @param lowConfidenceShare share of the table's predictions under score.low-confidence
 * @param labelAgreement share of the table's labelled predictions that agree with their label (a correction, else the
 *     catalogue's; null when none)
 * @param conflictRetries Delta conflicts this run lost and retried
 * @param seconds wall time
 */
public record ScoreResult(String job, String runId, boolean full, String model, String modelName, String modelVersion,
    String modelAlias, String modelRunId, String modelType, String modelMode, long products, long scored,
    long unchanged, long removed, long relabelled, long quarantined, Map<String, Long> quarantineReasons,
    long textOnly, long featurisedFromBronze, long fromSilver, long productsVersion, Long featuresVersion,
    long predictionsVersion, long quarantineVersion, long networkLoads, double rowsPerSecond, double meanProbability,
    double lowConfidenceShare, Double labelAgreement, int conflictRetries, double seconds) implements StageResult {}
