package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.config.ConfigLoader;
import io.catalogml.config.TrainSettings;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which settings a resumed run must share with the run it continues. */
class ResumeSettingsTest {
  private static Map<String, String> settings(String... overrides) {
    return TrainStage.frozenSettings(ConfigLoader.load(List.of(), List.of(overrides)));
  }

  private static TrainState started(Map<String, String> settings) {
    return TrainState.start("run-1", "tracking-1", settings, 3);
  }

  @Test
  void aSettingAddedSinceTheRunStartedPassesAtItsDefault() {
    // A checkpoint written before train.min-steps existed: its state has no such key.
    Map<String, String> old = new HashMap<>(settings("train.batch-size=32", "train.learning-rate=0.003"));
    old.remove("train.min-steps");
    old.remove("train.min-batch-size");
    assertThatCode(() -> TrainStage.checkUnchanged(started(old),
        settings("train.batch-size=32", "train.learning-rate=0.003"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(old),
        settings("train.batch-size=32", "train.learning-rate=0.003", "train.min-steps=10")))
        .hasMessageContaining("started before train.min-steps existed, so it trained as 50")
        .hasMessageContaining("Resume with --set train.min-steps=50");
  }

  @Test
  void aRunFromBeforeTheTrainingTargetsResumesOnlyWithoutThem() {
    // Label smoothing (0.1) and, for image networks, mixup (0.2) shipped on; a run recorded before trained without.
    Map<String, String> image = new HashMap<>(settings("model.mode=image"));
    image.remove("train.mixup");
    image.remove("train.label-smoothing");
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(image), settings("model.mode=image")))
        .hasMessageContaining("trained as 0, but train.mixup is now 0.2")
        .hasMessageContaining("--set train.mixup=0,");
    assertThatCode(() -> TrainStage.checkUnchanged(started(image), settings("model.mode=image", "train.mixup=0")))
        .doesNotThrowAnyException();

    Map<String, String> fusion = new HashMap<>(settings());
    fusion.remove("train.mixup");
    fusion.remove("train.label-smoothing");
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(fusion), settings()))
        .hasMessageContaining("trained as 0, but train.label-smoothing is now 0.1")
        .hasMessageContaining("--set train.label-smoothing=0,");
    assertThatCode(() -> TrainStage.checkUnchanged(started(fusion), settings("train.label-smoothing=0")))
        .doesNotThrowAnyException();
  }

  @Test
  void aChangedMinibatchOrRateStopsTheResume() {
    Map<String, String> stored = settings();
    assertThatCode(() -> TrainStage.checkUnchanged(started(stored), settings("train.epochs=20")))
        .doesNotThrowAnyException();
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(stored), settings("train.batch-size=32")))
        .hasMessageContaining("train.batch-size");
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(stored), settings("train.min-steps=10")))
        .hasMessageContaining("train.min-steps");
  }

  @Test
  void aModesBlockCountsByTheValuesItGives() {
    Map<String, String> image = settings("model.mode=image");
    assertThatCode(() -> TrainStage.checkUnchanged(started(image), settings("model.mode=image",
        "train.by-mode.image.epochs=80", "train.by-mode.text.learning-rate=0.01"))).doesNotThrowAnyException();
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(image), settings("model.mode=image",
        "train.by-mode.image.learning-rate=0.001")))
        .hasMessageContaining("train.learning-rate").hasMessageContaining("0.003");
  }

  @Test
  void theMasterCountsAsTheOneThatTrainsNotAsAutoSaysIt() {
    // Recorded before auto existed, or by auto on a cluster: averaging.
    Map<String, String> averaging = settings("train.master=averaging");
    assertThatCode(() -> TrainStage.checkUnchanged(started(averaging), TrainStage.frozenSettings(
        ConfigLoader.load(List.of(), List.of()), TrainSettings.Master.AUTO.on(false)))).doesNotThrowAnyException();
    assertThatThrownBy(() -> TrainStage.checkUnchanged(started(averaging), TrainStage.frozenSettings(
        ConfigLoader.load(List.of(), List.of()), TrainSettings.Master.AUTO.on(true))))
        .hasMessageContaining("train.master").hasMessageContaining("averaging").hasMessageContaining("threads");
  }
}
