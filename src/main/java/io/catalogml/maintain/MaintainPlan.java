package io.catalogml.maintain;

import io.catalogml.core.StageResult;
import java.util.Map;

/**
 * What a maintain run would do ({@code --dry-run}), from the tables as they are now; nothing written.
 *
 * @param job always {@code maintain}
 * @param dryRun always true
 * @param retention the configured file retention ({@code maintain.retention})
 * @param tables each existing table by logical name
 * @param skipped tables that do not exist yet
 * @param seconds wall time
 */
public record MaintainPlan(String job, boolean dryRun, String retention, Map<String, TablePlan> tables,
    Map<String, String> skipped, double seconds) implements StageResult {

  /**
   * One table's plan.
   *
   * @param location where the table lives
   * @param version its Delta version now
   * @param now its files and bytes now
   * @param wouldCompact small files OPTIMIZE would rewrite: files under
   *     {@code spark.databricks.delta.optimize.minFileSize}, two or more in a partition
   * @param wouldVacuum data files VACUUM DRY RUN lists for deletion, with the retention the table keeps now
   * @param wouldVacuumBytes their bytes
   * @param retention the file retention the table keeps now
   * @param wouldSetRetention the properties the run would set first (empty: none)
   */
  public record TablePlan(String location, long version, Footprint now, long wouldCompact, long wouldVacuum,
      long wouldVacuumBytes, String retention, Map<String, String> wouldSetRetention) {}
}
