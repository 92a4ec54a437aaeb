package io.catalogml.monitor;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.StageResult;
import java.util.List;

/**
 * What one monitor run found.
 *
 * @param job always {@code monitor}
 * @param runId id of this run (the {@code monitor_run_id} of its rows)
 * @param night the night the rows are for
 * @param status {@value #OK}, {@value #DRIFT} (a threshold exceeded: exit code 10), or {@value #NO_REFERENCE}
 *     (the model's package predates monitoring: nothing compared, nothing written)
 * @param breaches metrics over their threshold
 * @param checks every metric with its reference and threshold
 * @param model the model as asked for
 * @param modelName registered model name
 * @param modelVersion registry version (null for a package folder)
 * @param modelRunId tracking run that made the model
 * @param products products in bronze
 * @param predictions rows of the predictions table
 * @param labelled predictions of products with a catalogue label
 * @param productsVersion Delta version of bronze.products read
 * @param featuresVersion Delta version of silver.features read (null when there is none)
 * @param predictionsVersion Delta version of gold.predictions read
 * @param monitoringVersion Delta version of gold.monitoring after the run (null when nothing was written)
 * @param reviewRows products in tonight's review list ({@code gold.review})
 * @param reviewVersion Delta version of gold.review after the run (null when nothing was written)
 * @param retrain whether the model's history calls for a retrain tonight ({@link RetrainPolicy}; null without reference)
 * @param report folder of the night's report under the lake (null when nothing was written)
 * @param message what a person should know (why there is no reference)
 * @param seconds wall time
 */
public record MonitorResult(String job, String runId, String night, String status, List<String> breaches,
    List<Check> checks, String model, String modelName, String modelVersion, String modelRunId, long products,
    long predictions, long labelled, Long productsVersion, Long featuresVersion, Long predictionsVersion,
    Long monitoringVersion, long reviewRows, Long reviewVersion, RetrainPolicy.Decision retrain, String report,
    String message, double seconds) implements StageResult {
  /** Nothing over its threshold. */
  public static final String OK = "ok";
  /** At least one metric over its threshold. */
  public static final String DRIFT = "drift";
  /** The model has no monitoring reference. */
  public static final String NO_REFERENCE = "no_reference";

  @Override
  public int exitCode() {
    return DRIFT.equals(status) ? CatalogErrors.DRIFT : 0;
  }
}
