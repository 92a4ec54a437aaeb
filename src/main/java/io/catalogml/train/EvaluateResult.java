package io.catalogml.train;

import io.catalogml.core.StageResult;

/**
 * What one evaluate run found.
 *
 * @param job always {@code evaluate}
 * @param model the model evaluated, as given (folder or models:/ URI)
 * @param modelRunId the train run that made it
 * @param split the split evaluated
 * @param productsVersion Delta version of bronze.products read
 * @param featuresVersion Delta version of silver.features read (null when there is none)
 * @param examples labelled rows evaluated
 * @param accuracy accuracy
 * @param weightedF1 weighted F1
 * @param macroF1 macro F1
 * @param top5Accuracy top-5 accuracy
 * @param output folder of the report and plots
 * @param seconds wall time
 */
public record EvaluateResult(String job, String model, String modelRunId, String split, long productsVersion, Long featuresVersion,
    long examples, double accuracy, double weightedF1, double macroF1, double top5Accuracy, String output,
    double seconds) implements StageResult {}
