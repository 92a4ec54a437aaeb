package io.catalogml.preprocess;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What one preprocess run did: {@code products = computed + reused}; {@code removed} rows left
 * silver because their product left bronze.
 *
 * @param job always {@code preprocess}
 * @param runId id of this run, stamped on every row it computed
 * @param full whether every row was recomputed ({@code --full})
 * @param productsVersion Delta version of bronze.products that was read
 * @param products products in that version
 * @param computed rows whose features were computed in this run
 * @param reused rows whose features were kept (same content hash, same text pipeline)
 * @param relabelled reused rows whose label changed (in bronze, or by a correction in gold.feedback)
 * @param correctedLabels products whose label is a correction from gold.feedback rather than the catalogue's
 * @param removed rows deleted because the product left bronze
 * @param imageFailures computed rows without a usable image, per failure code
 * @param splits rows per split after the run
 * @param textPipelineId id of the text pipeline the features use
 * @param textPipelineFitted whether this run fitted a new text pipeline
 * @param vocabularySize word and bigram ids of the text pipeline (padding and unknown included; subword ids come after)
 * @param featuresTable logical name of the features table
 * @param featuresVersion its Delta version after the run
 * @param conflictRetries times the run lost a race with another writer of the features table and was redone
 * @param seconds wall time of the stage
 */
public record PreprocessResult(
    String job,
    String runId,
    boolean full,
    long productsVersion,
    long products,
    long computed,
    long reused,
    long relabelled,
    long correctedLabels,
    long removed,
    Map<String, Long> imageFailures,
    Map<String, Long> splits,
    String textPipelineId,
    boolean textPipelineFitted,
    int vocabularySize,
    String featuresTable,
    long featuresVersion,
    int conflictRetries,
    double seconds) implements StageResult {}
