package io.catalogml.maintain;

/**
 * What the maintain job did to one table.
 *
 * @param location where the table lives
 * @param versionBefore Delta version before
 * @param versionAfter Delta version after (the retention properties and a compaction each commit one)
 * @param before files and bytes before
 * @param after files and bytes after
 * @param filesCompacted small files OPTIMIZE rewrote (0: nothing to compact, no commit)
 * @param filesWritten files OPTIMIZE wrote in their place
 * @param filesVacuumed data files VACUUM deleted: left the table longer ago than the retention
 * @param bytesVacuumed their bytes
 * @param retention the file retention the table keeps now ({@code delta.deletedFileRetentionDuration})
 * @param retentionBefore the one it kept before, when this run changed it; else null
 * @param seconds wall time for this table
 */
public record TableUpkeep(String location, long versionBefore, long versionAfter, Footprint before, Footprint after,
    long filesCompacted, long filesWritten, long filesVacuumed, long bytesVacuumed, String retention,
    String retentionBefore, double seconds) {}
