package io.catalogml.nightly;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.StageResult;
import io.catalogml.monitor.MonitorResult;
import java.util.List;
import java.util.Map;

/**
 * What one nightly chain run did: each stage's own result (as its job prints it, with its
 * tracking run), in the order they ran.
 *
 * @param job always {@code nightly}
 * @param runId id of this chain run
 * @param dryRun whether the stages only said what they would do
 * @param status the verdict of the night's last monitor (the {@code remonitor} of a promoted candidate, else
 *     {@code monitor}): {@code ok}, {@code drift} (exit code 10) or
 *     {@code no_reference}; {@code ok} in a dry run
 * @param stagesRun the stages that ran, in order
 * @param stages each stage's result by stage name
 * @param skipped stages that did not run, with the reason
 * @param trained whether the chain trained a model (the registry had no champion)
 * @param retrained whether the retrain policy had a candidate trained (stages {@code retrain}, and when it
 *     was promoted {@code rescore} and {@code remonitor}; the monitor's {@code retrain} says why)
 * @param seconds wall time of the chain
 */
public record NightlyResult(String job, String runId, boolean dryRun, String status, List<String> stagesRun,
    Map<String, ObjectNode> stages,
    Map<String, String> skipped, boolean trained, boolean retrained, double seconds) implements StageResult {
  @Override
  public int exitCode() {
    return MonitorResult.DRIFT.equals(status) ? CatalogErrors.DRIFT : 0;
  }
}
