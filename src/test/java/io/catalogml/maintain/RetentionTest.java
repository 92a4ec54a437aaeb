package io.catalogml.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which table properties maintain sets for a retention, parsed as Delta parses them: no Spark. */
class RetentionTest {
  @Test
  void aTableAtDeltasDefaultsNeedsNothingForSevenDays() {
    assertThat(Retention.changes(Map.of(), Duration.ofDays(7))).isEmpty();
    assertThat(Retention.changes(Map.of(Retention.FILES, "interval 168 hours"), Duration.ofDays(7))).isEmpty();
    assertThat(Retention.current(Map.of())).isEqualTo("interval 1 week");
  }

  @Test
  void aLongerRetentionRaisesTheLogRetentionTooAndAShorterOneLeavesItAlone() {
    assertThat(Retention.changes(Map.of(), Duration.ofDays(60)))
        .containsExactly(Map.entry(Retention.FILES, "interval 60 days"), Map.entry(Retention.LOG, "interval 60 days"));
    assertThat(Retention.changes(Map.of(Retention.FILES, "interval 60 days", Retention.LOG, "interval 90 days"),
        Duration.ofDays(14))).containsExactly(Map.entry(Retention.FILES, "interval 14 days"));
    assertThat(Retention.changes(Map.of(), Duration.ofHours(36)))
        .containsExactly(Map.entry(Retention.FILES, "interval 36 hours"));
  }

  @Test
  void intervalsUseTheirLargestWholeUnit() {
    assertThat(Retention.interval(Duration.ofDays(7))).isEqualTo("interval 7 days");
    assertThat(Retention.interval(Duration.ofMinutes(90))).isEqualTo("interval 90 minutes");
    assertThat(Retention.interval(Duration.ofSeconds(15))).isEqualTo("interval 15 seconds");
    assertThat(Retention.interval(Duration.ZERO)).isEqualTo("interval 0 seconds");
    assertThat(Retention.parse(Retention.interval(Duration.ofMillis(1500)))).isEqualTo(Duration.ofMillis(1500));
    assertThat(Retention.floor()).isEqualTo(Duration.ofDays(7));
  }
}
