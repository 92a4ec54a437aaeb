package io.catalogml.monitor;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.CatalogConfig.RetrainSettings;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The retrain rules on simulated sequences of nights: each fires exactly when its rule says. */
class RetrainPolicyTest {
  static final RetrainSettings RULES = new RetrainSettings(true, 2, 5, 100, 0.05);

  /** Nights from a pattern: 'd' drift, '.' no drift; agreement 0.9 throughout. */
  static List<RetrainPolicy.Night> nights(String pattern) {
    List<RetrainPolicy.Night> out = new ArrayList<>();
    for (int i = 0; i < pattern.length(); i++) {
      out.add(new RetrainPolicy.Night("2026-11-" + (10 + i), pattern.charAt(i) == 'd', 0.9));
    }
    return out;
  }

  /** The first night (1-based) of the sequence on which the policy retrains, given the nights so far; 0 if none. */
  static int firstRetrain(String pattern) {
    for (int n = 1; n <= pattern.length(); n++) {
      if (RetrainPolicy.decide(nights(pattern.substring(0, n)), 0, RULES).retrain()) {
        return n;
      }
    }
    return 0;
  }

  @Test
  void driftRetrainsOnTheSecondDriftedNightOfFiveWhenTonightDrifted() {
    assertThat(firstRetrain("d....")).as("one drifted night is not enough").isZero();
    assertThat(firstRetrain("d.d..")).isEqualTo(3);
    assertThat(firstRetrain("dd...")).isEqualTo(2);
    assertThat(firstRetrain(".d..d")).isEqualTo(5);
    assertThat(firstRetrain("d....d")).as("the first drift left the window of 5").isZero();
    assertThat(firstRetrain("d...d")).as("both inside the window").isEqualTo(5);
    assertThat(firstRetrain("...........")).isZero();
    RetrainPolicy.Decision d = RetrainPolicy.decide(nights("d.d"), 0, RULES);
    assertThat(d.rule()).isEqualTo("drift");
    assertThat(d.reason()).startsWith("drift on 2 of the last 3 monitored nights, and tonight");
  }

  @Test
  void notTonightMeansNoRetrainEvenAfterManyDriftedNights() {
    RetrainPolicy.Decision d = RetrainPolicy.decide(nights("dddd."), 0, RULES);
    assertThat(d.retrain()).isFalse();
    assertThat(d.rule()).isEqualTo("none");
    assertThat(d.reason()).contains("drift on 4 of the last 5 monitored nights, not tonight");
  }

  @Test
  void correctionsRetrainAtTheirThresholdAndNotWhenTheRuleIsOff() {
    assertThat(RetrainPolicy.decide(nights("..."), 99, RULES).retrain()).isFalse();
    RetrainPolicy.Decision d = RetrainPolicy.decide(nights("..."), 100, RULES);
    assertThat(d.retrain()).isTrue();
    assertThat(d.rule()).isEqualTo("corrections");
    assertThat(RetrainPolicy.decide(nights("..."), 5000, new RetrainSettings(true, 2, 5, 0, 0.05)).retrain())
        .as("corrections = 0 turns the rule off").isFalse();
    assertThat(RetrainPolicy.decide(List.of(), 100, RULES).rule()).as("no monitored night yet").isEqualTo("corrections");
  }

  @Test
  void agreementRetrainsWhenItFellMoreThanTheDropSinceTheFirstNight() {
    List<RetrainPolicy.Night> falling = new ArrayList<>(List.of(new RetrainPolicy.Night("2026-11-01", false, 0.95),
        new RetrainPolicy.Night("2026-11-02", false, 0.92)));
    assertThat(RetrainPolicy.decide(falling, 0, RULES).retrain()).as("a fall of 0.03").isFalse();
    falling.add(new RetrainPolicy.Night("2026-11-03", false, 0.89));
    RetrainPolicy.Decision d = RetrainPolicy.decide(falling, 0, RULES);
    assertThat(d.retrain()).as("a fall of 0.06").isTrue();
    assertThat(d.rule()).isEqualTo("agreement");
    assertThat(RetrainPolicy.decide(List.of(new RetrainPolicy.Night("2026-11-01", false, null),
        new RetrainPolicy.Night("2026-11-02", false, null)), 0, RULES).retrain()).as("no labels").isFalse();
  }
}
