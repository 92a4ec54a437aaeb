package io.catalogml.maintain;

import io.catalogml.core.StageResult;
import java.util.List;
import java.util.Map;

/**
 * What one maintain run did, table by table, and in total.
 *
 * @param job always {@code maintain}
 * @param runId id of this run, on its rows of {@code gold.maintenance}
 * @param retention the file retention every maintained table keeps ({@code maintain.retention})
 * @param maintainedAt when (UTC, ISO-8601), as recorded in {@code gold.maintenance}
 * @param tables each maintained table by logical name
 * @param skipped tables that were not maintained, with the reason (not created yet)
 * @param before all maintained tables' files and bytes before
 * @param after and after
 * @param maintenanceVersion Delta version of {@code gold.maintenance} with this run's rows
 * @param seconds wall time
 */
public record MaintainResult(String job, String runId, String retention, String maintainedAt,
    Map<String, TableUpkeep> tables, Map<String, String> skipped, Footprint before, Footprint after,
    Long maintenanceVersion, double seconds) implements StageResult {

  /** The run as a Markdown table, one row per table and a total: files and bytes before → after. */
  public String toMarkdown() {
    StringBuilder t = new StringBuilder("| table | snapshot files | snapshot bytes | stored files | stored bytes "
        + "| compacted → written | vacuumed files (bytes) | seconds |\n|---|---:|---:|---:|---:|---:|---:|---:|\n");
    tables.forEach((name, u) -> row(t, name, u.before(), u.after(), u.filesCompacted() + " → " + u.filesWritten(),
        u.filesVacuumed() + " (" + u.bytesVacuumed() + ")", u.seconds()));
    long compacted = tables.values().stream().mapToLong(TableUpkeep::filesCompacted).sum();
    long written = tables.values().stream().mapToLong(TableUpkeep::filesWritten).sum();
    long vacuumed = tables.values().stream().mapToLong(TableUpkeep::filesVacuumed).sum();
    long vacuumedBytes = tables.values().stream().mapToLong(TableUpkeep::bytesVacuumed).sum();
    row(t, "**all**", before, after, compacted + " → " + written, vacuumed + " (" + vacuumedBytes + ")", seconds);
    return t.toString();
  }

  private static void row(StringBuilder t, String name, Footprint b, Footprint a, String compacted, String vacuumed,
      double seconds) {
    t.append("| ").append(name);
    for (List<Long> pair : List.of(List.of(b.snapshotFiles(), a.snapshotFiles()),
        List.of(b.snapshotBytes(), a.snapshotBytes()), List.of(b.storedFiles(), a.storedFiles()),
        List.of(b.storedBytes(), a.storedBytes()))) {
      t.append(" | ").append(pair.get(0)).append(" → ").append(pair.get(1));
    }
    t.append(" | ").append(compacted).append(" | ").append(vacuumed).append(" | ")
        .append(String.format(java.util.Locale.ROOT, "%.1f", seconds)).append(" |\n");
  }
}
