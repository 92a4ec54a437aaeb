package io.catalogml.score;

import io.catalogml.core.StageResult;

/**
 * What a score run would do now ({@code --dry-run}): the model resolved and loaded, the products
 * to score counted, nothing written.
 *
 * @param job always {@code score}
 * @param dryRun always true
 * @param model the model reference, or null when the chain would first train the model it scores
 * @param modelName registered model name (or the package's name)
 * @param modelVersion registry version, or null
 * @param full whether every product would be rescored
 * @param productsVersion version of bronze.products read, or null when it does not exist yet
 * @param products products in it
 * @param wouldScore products that would be scored (new, changed, or scored by another model)
 */
public record ScorePlan(String job, boolean dryRun, String model, String modelName, String modelVersion,
    boolean full, Long productsVersion, long products, long wouldScore) implements StageResult {}
