package io.catalogml.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig.SparkSettings;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A running session that the jobs did not build takes the configuration's runtime settings. */
class SparkSessionsTest extends SparkTestBase {

  @Test
  void aRunningSessionTakesTheRuntimeSettingsAndNamesTheFixedOnesItHasAnotherValueFor() {
    String partitions = spark.conf().get("spark.sql.shuffle.partitions");
    String serializer = spark.sparkContext().getConf().get("spark.serializer");
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put("spark.sql.shuffle.partitions", "7");
    conf.put("spark.databricks.delta.snapshotPartitions", "3");
    conf.put("spark.sql.session.timeZone", "America/New_York");
    conf.put("spark.ui.showConsoleProgress", "true");     // core: fixed when the session started, not set here
    conf.put("spark.serializer", serializer);              // fixed too, but the session already has this value
    try {
      List<String> fixed = SparkSessions.useConf(spark, new SparkSettings("local[2]", "test", conf));

      assertThat(fixed).containsExactly("spark.ui.showConsoleProgress");
      assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("7");
      assertThat(spark.conf().get("spark.databricks.delta.snapshotPartitions")).isEqualTo("3");
      assertThat(spark.sql("SELECT current_timezone()").first().getString(0)).isEqualTo("America/New_York");
      // A query plans with the new value: an aggregation shuffles into 7 partitions (adaptive execution off).
      spark.conf().set("spark.sql.adaptive.enabled", "false");
      assertThat(spark.range(100).selectExpr("id % 5 AS k").groupBy("k").count().rdd().getNumPartitions()).isEqualTo(7);
    } finally {
      spark.conf().set("spark.sql.shuffle.partitions", partitions);
      spark.conf().unset("spark.databricks.delta.snapshotPartitions");
      spark.conf().set("spark.sql.session.timeZone", "UTC");
      spark.conf().unset("spark.sql.adaptive.enabled");
    }
  }

  @Test
  void aRuntimeSettingWithAValueSparkRefusesIsAConfigurationErrorWithSparksReason() {
    SparkSettings bad = new SparkSettings("local[2]", "test", Map.of("spark.sql.shuffle.partitions", "many"));
    assertThatThrownBy(() -> SparkSessions.useConf(spark, bad)).isInstanceOf(io.catalogml.core.CatalogException.class)
        .hasMessageContaining("spark.conf.\"spark.sql.shuffle.partitions\" = many is not allowed")
        .hasMessageContaining("should be int");
    assertThat(spark.conf().get("spark.sql.shuffle.partitions")).isEqualTo("2");
  }
}
