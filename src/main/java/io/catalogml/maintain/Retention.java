package io.catalogml.maintain;

import io.catalogml.core.CatalogErrors;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.delta.DeltaConfigs;

/**
 * The time travel a table keeps, as Delta's own table properties say it, so that every VACUUM (this
 * job's, or anyone's with any Delta client) keeps the same: {@code delta.deletedFileRetentionDuration}
 * (how long a data file that left the table stays on storage) is set to {@code maintain.retention};
 * {@code delta.logRetentionDuration} (how long the log keeps a version) is raised to it when shorter,
 * never lowered. A retention under Delta's default file retention (7 days, the value Delta's VACUUM
 * safety check defends) is refused unless the session turns that check off, as Delta asks.
 */
final class Retention {
  /** Table property: how long a removed data file is kept. */
  static final String FILES = "delta.deletedFileRetentionDuration";
  /** Table property: how long a commit stays in the log. */
  static final String LOG = "delta.logRetentionDuration";
  /** Delta's session switch of its VACUUM retention check. */
  static final String CHECK = "spark.databricks.delta.retentionDurationCheck.enabled";

  private Retention() {}

  /** Delta's default of {@link #FILES}: the shortest retention allowed while its safety check is on. */
  static Duration floor() {
    return parse(DeltaConfigs.TOMBSTONE_RETENTION().defaultValue());
  }

  /** Fails (exit 2) when {@code retention} is under the floor and the session keeps Delta's check on. */
  static void checkSafe(SparkSession spark, Duration retention) {
    boolean checked = Boolean.parseBoolean(spark.conf().get(CHECK, "true").trim());
    if (checked && retention.compareTo(floor()) < 0) {
      throw CatalogErrors.retentionBelowSafety(interval(retention), interval(floor()), CHECK);
    }
  }

  /**
   * The properties to set on a table whose current {@code properties} are these, for {@code retention}:
   * empty when it keeps that retention already.
   */
  static Map<String, String> changes(Map<String, String> properties, Duration retention) {
    Map<String, String> set = new LinkedHashMap<>();
    if (!parse(current(properties)).equals(retention)) {
      set.put(FILES, interval(retention));
    }
    String log = properties.getOrDefault(LOG, DeltaConfigs.LOG_RETENTION().defaultValue());
    if (parse(log).compareTo(retention) < 0) {
      set.put(LOG, interval(retention));
    }
    return set;
  }

  /** The file retention a table keeps now, as its property says ({@code interval 1 week} when unset: Delta's default). */
  static String current(Map<String, String> properties) {
    return properties.getOrDefault(FILES, DeltaConfigs.TOMBSTONE_RETENTION().defaultValue());
  }

  /** A Delta interval for {@code d} in its largest whole unit: {@code interval 7 days}, {@code interval 90 seconds}. */
  static String interval(Duration d) {
    long s = d.getSeconds();
    if (s > 0 && s % 86_400 == 0) {
      return "interval " + s / 86_400 + " days";
    }
    if (s > 0 && s % 3_600 == 0) {
      return "interval " + s / 3_600 + " hours";
    }
    if (s > 0 && s % 60 == 0) {
      return "interval " + s / 60 + " minutes";
    }
    if (d.getNano() == 0) {
      return "interval " + s + " seconds";
    }
    return "interval " + d.toMillis() + " milliseconds";
  }

  /** A Delta interval property ({@code interval 1 week}, {@code 30 days}) as a duration, parsed as Delta parses it. */
  static Duration parse(String interval) {
    return Duration.ofMillis(DeltaConfigs.getMilliSeconds(DeltaConfigs.parseCalendarInterval(interval)));
  }
}
