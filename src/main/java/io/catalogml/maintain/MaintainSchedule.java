package io.catalogml.maintain;

import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;

import io.catalogml.config.CatalogConfig;
import io.catalogml.lake.Lake;
import io.delta.tables.DeltaTable;
import java.sql.Timestamp;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * When the nightly chain ends with maintain: every {@code maintain.every-nights} nights, counted in
 * UTC dates from the last maintain recorded in {@code gold.maintenance} (by the chain or by the
 * maintain job alone), or, on a lake never maintained, from the first commit of
 * {@code bronze.products} still in its log. So a new lake is first maintained a week after its
 * first night, not on it. {@link #due} is the rule; {@link #decide} reads its inputs from the lake.
 */
public final class MaintainSchedule {
  private MaintainSchedule() {}

  /**
   * Whether maintain is due tonight, and why (or why not), in words for the result.
   *
   * @param due whether nightly runs maintain tonight
   * @param reason what the rule found
   */
  public record Decision(boolean due, String reason) {}

  /**
   * The rule.
   *
   * @param tonight the night the chain runs (UTC date)
   * @param lastMaintained the night of the last maintain, or null: never
   * @param lakeSince the night of the lake's first commit, or null: no table yet
   * @param everyNights {@code maintain.every-nights}: nights between two maintains (0 = never in nightly)
   */
  public static Decision due(LocalDate tonight, LocalDate lastMaintained, LocalDate lakeSince, int everyNights) {
    String setting = " (maintain.every-nights = " + everyNights + ")";
    if (everyNights == 0) {
      return new Decision(false, "maintain.every-nights = 0: nightly never maintains; run `catalog-ml maintain` "
          + "on a schedule of its own");
    }
    String since;
    long nights;
    if (lastMaintained != null) {
      nights = Math.max(0, ChronoUnit.DAYS.between(lastMaintained, tonight));
      since = "last maintained on " + lastMaintained + ", " + nights(nights) + " ago";
    } else if (lakeSince != null) {
      nights = Math.max(0, ChronoUnit.DAYS.between(lakeSince, tonight));
      since = "never maintained, and the lake's first commit was on " + lakeSince + ", " + nights(nights) + " ago";
    } else {
      return new Decision(false, "no table in the lake yet");
    }
    if (nights >= everyNights) {
      return new Decision(true, since + setting);
    }
    return new Decision(false, since + "; due in " + nights(everyNights - nights) + setting);
  }

  /** The rule applied to the lake of {@code config} tonight, by {@code clock}'s UTC date. */
  public static Decision decide(SparkSession spark, CatalogConfig config, Clock clock) {
    Lake lake = Lake.of(config);
    LocalDate tonight = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    LocalDate last = DeltaTable.isDeltaTable(spark, lake.maintenance())
        ? night(spark.read().format("delta").load(lake.maintenance()), max("maintained_at")) : null;
    LocalDate since = DeltaTable.isDeltaTable(spark, lake.products())
        ? night(DeltaTable.forPath(spark, lake.products()).history(), min("timestamp")) : null;
    return due(tonight, last, since, config.maintain().everyNights());
  }

  private static LocalDate night(Dataset<Row> rows, Column timestamp) {
    Row r = rows.agg(timestamp).head();
    if (r.isNullAt(0)) {
      return null;
    }
    return LocalDate.ofInstant(((Timestamp) r.get(0)).toInstant(), ZoneOffset.UTC);
  }

  private static String nights(long n) {
    return n == 1 ? "1 night" : n + " nights";
  }
}
