package io.catalogml.preprocess;

import io.catalogml.core.StageResult;

/**
 * What a preprocess run would do now ({@code --dry-run}), from the tables as they are, nothing
 * written.
 *
 * @param job always {@code preprocess}
 * @param dryRun always true
 * @param productsVersion version of bronze.products read, or null when it does not exist yet
 * @param products products in it
 * @param wouldCompute rows whose features would be computed (new or changed products, or all with --full)
 * @param reused rows whose stored features would be kept
 * @param fitsTextPipeline whether a text pipeline would be fitted (new features table, or --full)
 */
public record PreprocessPlan(String job, boolean dryRun, Long productsVersion, long products, long wouldCompute,
    long reused, boolean fitsTextPipeline) implements StageResult {}
