package io.catalogml.maintain;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

/** The nightly chain's maintain rule, night by night: no Spark, no lake. */
class MaintainScheduleTest {
  static final LocalDate FIRST = LocalDate.parse("2026-12-01");

  @Test
  void aNewLakeIsFirstMaintainedEveryNightsAfterItsFirstCommit() {
    for (int night = 0; night < 7; night++) {
      MaintainSchedule.Decision d = MaintainSchedule.due(FIRST.plusDays(night), null, FIRST, 7);
      assertThat(d.due()).as("night %d", night).isFalse();
      assertThat(d.reason()).contains("never maintained").contains("due in " + (7 - night) + " night");
    }
    MaintainSchedule.Decision week = MaintainSchedule.due(FIRST.plusDays(7), null, FIRST, 7);
    assertThat(week.due()).isTrue();
    assertThat(week.reason()).isEqualTo("never maintained, and the lake's first commit was on 2026-12-01, "
        + "7 nights ago (maintain.every-nights = 7)");
  }

  @Test
  void thirtyNightsOfTheChainMaintainOnNightsSevenFourteenTwentyOneAndTwentyEight() {
    LocalDate last = null;
    StringBuilder maintained = new StringBuilder();
    for (int night = 0; night < 30; night++) {
      LocalDate tonight = FIRST.plusDays(night);
      if (MaintainSchedule.due(tonight, last, FIRST, 7).due()) {
        last = tonight;
        maintained.append(night).append(' ');
      }
    }
    assertThat(maintained.toString().trim()).isEqualTo("7 14 21 28");
  }

  @Test
  void countsWholeUtcDatesSoALateRunLastWeekDoesNotPushTonightsOut() {
    LocalDate last = FIRST;
    assertThat(MaintainSchedule.due(FIRST.plusDays(6), last, FIRST, 7).reason())
        .isEqualTo("last maintained on 2026-12-01, 6 nights ago; due in 1 night (maintain.every-nights = 7)");
    assertThat(MaintainSchedule.due(FIRST.plusDays(7), last, FIRST, 7).due()).isTrue();
    assertThat(MaintainSchedule.due(FIRST.plusDays(40), last, FIRST, 7).due()).as("a missed week").isTrue();
    assertThat(MaintainSchedule.due(FIRST.plusDays(1), last, FIRST, 1).due()).isTrue();
    assertThat(MaintainSchedule.due(FIRST, last, FIRST, 1).due()).as("maintained tonight already").isFalse();
  }

  @Test
  void aMaintainRecordedAfterTonightCountsAsTonight() {
    MaintainSchedule.Decision d = MaintainSchedule.due(FIRST, FIRST.plusDays(3), FIRST, 7);
    assertThat(d.due()).isFalse();
    assertThat(d.reason()).contains("0 nights ago; due in 7 nights");
  }

  @Test
  void zeroNeverMaintainsInNightlyAndAnEmptyLakeHasNothingToMaintain() {
    MaintainSchedule.Decision never = MaintainSchedule.due(FIRST.plusDays(400), null, FIRST, 0);
    assertThat(never.due()).isFalse();
    assertThat(never.reason()).startsWith("maintain.every-nights = 0");
    MaintainSchedule.Decision empty = MaintainSchedule.due(FIRST, null, null, 7);
    assertThat(empty.due()).isFalse();
    assertThat(empty.reason()).isEqualTo("no table in the lake yet");
  }
}
