package io.catalogml.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.Fixtures;
import io.catalogml.config.Settings.FileFormat;
import io.catalogml.config.Settings.MissingImagePolicy;
import io.catalogml.config.Settings.SourceFormat;
import io.catalogml.core.CatalogException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path dir;

  @Test
  void defaultsDescribeAnEmbeddedLocalRun() {
    CatalogConfig c = ConfigLoader.load(List.of(), List.of());
    assertThat(c.spark().master()).isEqualTo("local[*]");
    assertThat(c.lake().root()).isEqualTo("./lake");
    assertThat(c.tracking().uri()).isEmpty();
    assertThat(c.tables().products()).isEqualTo("bronze.products");
    assertThat(c.source().format()).isEqualTo(SourceFormat.GENERIC);
    assertThat(c.source().fileFormat()).isEqualTo(FileFormat.CSV);
    assertThat(c.ingest().missingImage()).isEqualTo(MissingImagePolicy.QUARANTINE);
    assertThat(c.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "4");
  }

  @Test
  void everyDefaultKeyIsKnownAndEveryKnownKeyHasADefault() {
    var merged = ConfigLoader.merged(List.of(), List.of());
    for (Setting<?> s : Settings.ALL) {
      assertThat(merged.hasPathOrNull(s.path())).as(s.path()).isTrue();
    }
  }

  @Test
  void filesLayerInOrderAndSetWinsLast() {
    Path a = Fixtures.write(dir.resolve("a.conf"), "lake.root = /a\nsource.format = rakuten\n");
    Path b = Fixtures.write(dir.resolve("b.conf"), "lake.root = /b\n");
    CatalogConfig c = ConfigLoader.load(List.of(a, b), List.of("lake.root=/c", "spark.master=local[2]"));
    assertThat(c.lake().root()).isEqualTo("/c");
    assertThat(c.source().format()).isEqualTo(SourceFormat.RAKUTEN);
    assertThat(c.spark().master()).isEqualTo("local[2]");
    assertThat(ConfigLoader.load(List.of(a, b), List.of()).lake().root()).isEqualTo("/b");
  }

  @Test
  void oneFileWithOverridesLoadsAsTheListsDoAndAnIncludedFileCounts() {
    Path base = Fixtures.write(dir.resolve("base.conf"), "source.format = rakuten\nlake.root = /base\n");
    Path mine = Fixtures.write(dir.resolve("mine.conf"), "include file(\"" + base + "\")\nlake.root = /mine\n");
    CatalogConfig one = ConfigLoader.load(mine, "spark.master=local[2]");
    assertThat(one.publicValues())
        .isEqualTo(ConfigLoader.load(List.of(mine), List.of("spark.master=local[2]")).publicValues());
    assertThat(one.source().format()).isEqualTo(SourceFormat.RAKUTEN);
    assertThat(one.lake().root()).isEqualTo("/mine");
    assertThat(one.spark().master()).isEqualTo("local[2]");
  }

  @Test
  void setAcceptsHoconListsAndQuotedSparkKeys() {
    CatalogConfig c = ConfigLoader.load(List.of(), List.of(
        "ingest.labels=[\"Tshirts\", \"Watches\"]",
        "spark.conf.\"spark.sql.shuffle.partitions\"=3",
        "source.generic.columns.extra=[gender, season]"));
    assertThat(c.ingest().labels()).containsExactlyInAnyOrder("Tshirts", "Watches");
    assertThat(c.spark().conf()).containsEntry("spark.sql.shuffle.partitions", "3");
    assertThat(c.source().columns().extra()).containsExactly("gender", "season");
  }

  @Test
  void exampleConfigurationsLoad() {
    CatalogConfig fashion = ConfigLoader.load(List.of(Path.of("conf/examples/fashion.conf")), List.of());
    assertThat(fashion.source().columns().title()).isEqualTo("productDisplayName");
    CatalogConfig rakuten = ConfigLoader.load(List.of(Path.of("conf/examples/rakuten.conf")), List.of());
    assertThat(rakuten.source().format()).isEqualTo(SourceFormat.RAKUTEN);
    assertThat(rakuten.ingest().labels()).hasSize(27);
  }

  @Test
  void unknownKeyIsRejectedWithItsOriginAndASuggestion() {
    Path f = Fixtures.write(dir.resolve("typo.conf"), "lake {\n  rooot = /x\n}\n");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(f), List.of()))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("unknown key 'lake.rooot'")
        .hasMessageContaining("typo.conf: 2")
        .hasMessageContaining("Did you mean 'lake.root'?")
        .extracting(e -> ((CatalogException) e).exitCode()).isEqualTo(2);
  }

  @Test
  void anAttributeFeatureMustBeAColumnIngestKeeps() {
    Path fashion = Path.of("conf/examples/fashion.conf");
    assertThat(ConfigLoader.load(List.of(fashion), List.of()).preprocess().text().attributes())
        .containsExactly("gender", "usage", "season", "baseColour");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(fashion), List.of("preprocess.text.attributes=[gender, colour]")))
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("preprocess.text.attributes = colour")
        .hasMessageContaining("source.generic.columns.extra [gender, masterCategory")
        .hasMessageContaining("ingest again, then preprocess --full");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(fashion), List.of("preprocess.text.attributes=[usage, usage]")))
        .hasMessageContaining("each attribute named once");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(fashion), List.of("source.format=rakuten",
        "preprocess.text.attributes=[imageid]")))
        .hasMessageContaining("[] for source.format = rakuten");
  }

  @Test
  void unknownKeyFromSetIsRejected() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("source.fromat=csv")))
        .hasMessageContaining("unknown key 'source.fromat'")
        .hasMessageContaining("Did you mean 'source.format'?");
  }

  @Test
  void badEnumValueNamesKeyValueAndAllowedValues() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("source.generic.file-format=xml")))
        .hasMessage("Invalid configuration: source.generic.file-format = \"xml\" (from --set source.generic.file-format)"
            + " is not allowed; expected one of: csv, json, parquet. Fix the value, or remove the key to use the default.");
  }

  @Test
  void badValuesOfEveryKindAreRejected() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("tracking.uri=localhost:5000")))
        .hasMessageContaining("tracking.uri = \"localhost:5000\"")
        .hasMessageContaining("empty, or an http(s) URL");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("ingest.id-pattern=[a-z")))
        .hasMessageContaining("ingest.id-pattern")
        .hasMessageContaining("a valid Java regular expression");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("source.csv.delimiter=;;")))
        .hasMessageContaining("exactly one character");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("tables.products=Bronze Products")))
        .hasMessageContaining("a table name like 'bronze.products'");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("ingest.labels=shoes")))
        .hasMessageContaining("ingest.labels = \"shoes\"")
        .hasMessageContaining("list of strings");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("spark.master=")))
        .hasMessageContaining("spark.master")
        .hasMessageContaining("a non-empty string");
  }

  @Test
  void malformedSetAndMissingFileAreClear() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("lake.root")))
        .hasMessageContaining("Invalid --set 'lake.root': expected KEY=VALUE");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(dir.resolve("nope.conf")), List.of()))
        .hasMessageContaining("nope.conf': no such file");
    Path broken = Fixtures.write(dir.resolve("broken.conf"), "lake { root = \n");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(broken), List.of()))
        .hasMessageContaining("Cannot parse configuration file")
        .hasMessageContaining("broken.conf");
  }
  @Test
  void aModesDefaultsReplaceThePackagedOnesAndWhatTheUserGivesStillWins() {
    CatalogConfig fusion = ConfigLoader.load(List.of(), List.of());
    CatalogConfig image = ConfigLoader.load(List.of(), List.of("model.mode=image"));
    assertThat(fusion.train().epochs()).isEqualTo(10);
    assertThat(fusion.train().learningRate()).isEqualTo(0.006);
    assertThat(image.train().epochs()).isEqualTo(80);
    assertThat(image.train().learningRate()).isEqualTo(0.003);
    assertThat(image.train().patience()).isZero();
    assertThat(image.train().mixup()).isEqualTo(0.2);
    assertThat(fusion.train().mixup()).as("a network that reads text cannot blend its token ids").isZero();
    assertThat(fusion.train().labelSmoothing()).isEqualTo(0.1);
    assertThat(image.train().labelSmoothing()).isZero();
    assertThat(image.train().batchSize()).isEqualTo(fusion.train().batchSize());

    // a file or --set wins over the mode's defaults, in either order of the mode and the key
    Path mine = Fixtures.write(dir.resolve("mine.conf"), "train.epochs = 20\n");
    assertThat(ConfigLoader.load(List.of(mine), List.of("model.mode=image")).train().epochs()).isEqualTo(20);
    Path imageFile = Fixtures.write(dir.resolve("image.conf"), "model.mode = image\ntrain.by-mode.image.epochs = 30\n");
    CatalogConfig fromFile = ConfigLoader.load(List.of(imageFile), List.of("train.patience=4"));
    assertThat(fromFile.train().epochs()).isEqualTo(30);
    assertThat(fromFile.train().patience()).isEqualTo(4);
    assertThat(fromFile.train().learningRate()).isEqualTo(0.003);
    // the effective values are what a run records
    assertThat(image.publicValues()).containsEntry("train.epochs", "80").containsEntry("train.by-mode.image.epochs", "80");
    // another mode's block does not apply
    assertThat(ConfigLoader.load(List.of(), List.of("model.mode=text", "train.by-mode.fusion.epochs=3")).train().epochs())
        .isEqualTo(10);
  }

  @Test
  void aModeBlockIsCheckedWhicheverModeIsChosen() {
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("train.by-mode.image.epoch=5")))
        .hasMessageContaining("unknown key 'train.by-mode.image.epoch'")
        .hasMessageContaining("Did you mean 'train.by-mode.image.epochs'?");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("train.by-mode.image.by-mode.text.epochs=5")))
        .hasMessageContaining("unknown key 'train.by-mode.image.by-mode.text.epochs'");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("train.by-mode.video.epochs=5")))
        .hasMessageContaining("train.by-mode")
        .hasMessageContaining("keys are text, image, fusion");
    assertThatThrownBy(() -> ConfigLoader.load(List.of(), List.of("train.by-mode.text.epochs=0")))
        .hasMessageContaining("train.epochs = \"0\" (from --set train.by-mode.text.epochs)")
        .hasMessageContaining("an integer from 1 to 10000");
  }
}

