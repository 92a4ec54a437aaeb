package io.catalogml.maintain;

import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Schema of {@code gold.maintenance}. Documented in the README. */
public final class MaintainTables {
  private MaintainTables() {}

  /** One row per maintained table and maintain run: what it held before and after, and what was done. */
  public static final StructType MAINTENANCE = new StructType()
      .add("maintain_run_id", DataTypes.StringType, false)
      .add("maintained_at", DataTypes.TimestampType, false)
      .add("table_name", DataTypes.StringType, false)
      .add("version_before", DataTypes.LongType, false)
      .add("version_after", DataTypes.LongType, false)
      .add("snapshot_files_before", DataTypes.LongType, false)
      .add("snapshot_bytes_before", DataTypes.LongType, false)
      .add("snapshot_files_after", DataTypes.LongType, false)
      .add("snapshot_bytes_after", DataTypes.LongType, false)
      .add("stored_files_before", DataTypes.LongType, false)
      .add("stored_bytes_before", DataTypes.LongType, false)
      .add("stored_files_after", DataTypes.LongType, false)
      .add("stored_bytes_after", DataTypes.LongType, false)
      .add("files_compacted", DataTypes.LongType, false)
      .add("files_written", DataTypes.LongType, false)
      .add("files_vacuumed", DataTypes.LongType, false)
      .add("bytes_vacuumed", DataTypes.LongType, false)
      .add("retention", DataTypes.StringType, false)
      .add("seconds", DataTypes.DoubleType, false);
}
