package io.catalogml.preprocess;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.Fixtures;
import io.catalogml.SparkTestBase;
import io.catalogml.config.CatalogConfig;
import io.catalogml.core.CatalogException;
import io.catalogml.ingest.IngestResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.text.TextPipeline;
import io.delta.tables.DeltaTable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The bundled fashion sample through ingest and preprocess: a first run, an identical rerun,
 * a drop with edits, a product removed from bronze, and image failures. One lake, in order.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PreprocessStageTest extends SparkTestBase {
  @TempDir
  static Path dir;
  static Path drop;
  static CatalogConfig config;
  static Lake lake;
  static PreprocessResult first;

  @BeforeAll
  static void ingestAndPreprocess() {
    drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    config = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"), "source.input=" + drop);
    lake = Lake.of(config);
    new IngestStage(spark, config).execute();
    first = new PreprocessStage(spark, config, false).execute();
  }

  static Map<String, Row> features() {
    return Fixtures.byKey(spark, lake.features(), "product_id");
  }

  @Test
  @Order(1)
  void everyProductGetsTextIdsAnImageAndASplit() {
    assertThat(first.products()).isEqualTo(1000);
    assertThat(first.computed()).isEqualTo(1000);
    assertThat(first.reused()).isZero();
    assertThat(first.textPipelineFitted()).isTrue();
    assertThat(first.imageFailures()).isEmpty();
    assertThat(first.splits().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(1000);
    assertThat(first.splits().get("train")).isBetween(720L, 880L);
    assertThat(first.splits().get("validation")).isBetween(50L, 150L);
    assertThat(first.splits().get("test")).isBetween(50L, 150L);

    Row deo = features().get("18461");
    assertThat(deo.<String>getAs("label")).isEqualTo("Deodorant");
    assertThat(deo.<Boolean>getAs("image_ok")).isTrue();
    assertThat((byte[]) deo.getAs("image")).hasSize(64 * 64 * 3);
    List<Integer> titleIds = deo.getList(deo.fieldIndex("title_ids"));
    assertThat(titleIds).isNotEmpty().allSatisfy(id -> assertThat(id).isGreaterThanOrEqualTo(TextPipeline.UNKNOWN));
    assertThat(titleIds.size()).isLessThanOrEqualTo(config.preprocess().text().titleMaxTokens());
  }

  @Test
  @Order(2)
  void identicalTitlesNeverStraddleTwoSplits() {
    Map<String, Set<String>> splitsByTitle = new HashMap<>();
    Map<String, String> titles = new HashMap<>();
    spark.read().format("delta").load(lake.products()).select("product_id", "title").collectAsList()
        .forEach(r -> titles.put(r.getString(0), r.getString(1).trim().toLowerCase()));
    features().forEach((id, row) ->
        splitsByTitle.computeIfAbsent(titles.get(id), t -> new TreeSet<>()).add(row.getAs("split")));
    assertThat(splitsByTitle.values()).allSatisfy(s -> assertThat(s).hasSize(1));
    assertThat(splitsByTitle.size()).as("the sample has shared titles").isLessThan(1000);
  }

  @Test
  @Order(3)
  void theSavedPipelineGivesTheSameIdsAtReuse() {
    String location = lake.features() + "/" + PreprocessStage.PIPELINES_FOLDER + "/" + first.textPipelineId() + ".json";
    TextPipeline loaded = TextPipeline.load(location, spark.sparkContext().hadoopConfiguration());
    assertThat(loaded.id()).isEqualTo(first.textPipelineId());
    Row deo = features().get("18461");
    int[] again = loaded.encodeTitle("David Beckham Signature Men Deos");
    assertThat(Arrays.stream(again).boxed().toList()).isEqualTo(deo.getList(deo.fieldIndex("title_ids")));
    List<Integer> subwords = Arrays.stream(loaded.encodeSubwords("David Beckham Signature Men Deos", null)).boxed()
        .toList();
    assertThat(subwords).isNotEmpty().allSatisfy(id -> assertThat(id).isBetween(loaded.wordIds(), loaded.size() - 1));
    assertThat(subwords).isEqualTo(deo.getList(deo.fieldIndex("subword_ids")));
    // conf/examples/fashion.conf reads four attributes: their ids lead description_ids (the sample has no description).
    int[] attributes = loaded.encodeDescription(null, attributes("Men", "Casual", "Spring", "White"));
    assertThat(Arrays.stream(attributes).boxed().toList()).hasSize(4).allSatisfy(id -> assertThat(id)
        .isBetween(TextPipeline.FIRST_ID, loaded.wordIds() - 1));
    assertThat(Arrays.stream(attributes).boxed().toList()).isEqualTo(deo.getList(deo.fieldIndex("description_ids")));
    assertThat(loaded.encodeDescription(null, attributes("Men", "Sports", "Spring", "White")))
        .as("another usage, another id").isNotEqualTo(attributes);
    // preprocess.text.keep-hyphenated (on by default): a T-shirt's "t" is a word, in the vocabulary, so a T-shirt's
    // title does not read like a shirt's.
    Row tshirt = features().get("38608");
    int[] tshirtIds = loaded.encodeTitle("Nike Men Grey T-shirt");
    assertThat(Arrays.stream(tshirtIds).boxed().toList()).isEqualTo(tshirt.getList(tshirt.fieldIndex("title_ids")))
        .doesNotContain(TextPipeline.UNKNOWN);
    assertThat(loaded.titleWords("Nike Men Grey T-shirt")).as("nike men grey t shirt, all known").containsExactly(5, 0);
    assertThat(tshirtIds).isNotEqualTo(loaded.encodeTitle("Nike Men Grey Shirt"));
  }

  /** Bronze's attributes of a fashion product, as a Spark UDF receives them. */
  static scala.collection.Map<String, String> attributes(String gender, String usage, String season, String colour) {
    return scala.collection.JavaConverters.mapAsScalaMap(new HashMap<>(Map.of("gender", gender, "usage", usage,
        "season", season, "baseColour", colour, "year", "2017")));
  }

  @Test
  @Order(4)
  void anIdenticalRerunComputesNothingAndWritesNoVersion() {
    PreprocessResult again = new PreprocessStage(spark, config, false).execute();
    assertThat(again.computed()).isZero();
    assertThat(again.reused()).isEqualTo(1000);
    assertThat(again.textPipelineFitted()).isFalse();
    assertThat(again.textPipelineId()).isEqualTo(first.textPipelineId());
    assertThat(again.featuresVersion()).isEqualTo(first.featuresVersion());
  }

  @Test
  @Order(5)
  void editsRecomputeOnlyWhatChangedAndRemovedProductsLeave() throws Exception {
    Path styles = drop.resolve("styles.csv");
    String csv = Files.readString(styles, StandardCharsets.UTF_8)
        .replace("David Beckham Signature Men Deos", "David Beckham Signature Men Deodorant Spray")
        .replace("2886,Women,Footwear,Shoes,Flats,", "2886,Women,Footwear,Shoes,Casual Shoes,")
        // Only an attribute the pipeline reads: new content, so new features.
        .replace("26536,Men,Footwear,Shoes,Casual Shoes,White,Summer,2012,Casual,",
            "26536,Men,Footwear,Shoes,Casual Shoes,White,Summer,2012,Sports,")
        // An attribute it does not read is content too: the hash covers every attribute, whatever the pipeline reads.
        .replace("49494,Men,Footwear,Shoes,Casual Shoes,Navy Blue,Summer,2012,",
            "49494,Men,Footwear,Shoes,Casual Shoes,Navy Blue,Summer,2013,");
    Files.writeString(styles, csv, StandardCharsets.UTF_8);
    Files.copy(drop.resolve("images/18461.jpg"), drop.resolve("images/3168.jpg"), StandardCopyOption.REPLACE_EXISTING);
    // A truncated JPEG: its header still reads, so ingest keeps it; decoding must report it.
    byte[] jpeg = Files.readAllBytes(drop.resolve("images/15528.jpg"));
    Files.write(drop.resolve("images/15528.jpg"), Arrays.copyOf(jpeg, jpeg.length / 2));
    IngestResult ingest = new IngestStage(spark, config).execute();
    assertThat(ingest.updated()).isEqualTo(6);
    DeltaTable.forPath(spark, lake.products()).delete("product_id = '31924'");

    PreprocessResult r = new PreprocessStage(spark, config, false).execute();
    Map<String, Row> after = features();
    Set<String> recomputed = new TreeSet<>();
    after.forEach((id, row) -> {
      if (row.<String>getAs("preprocess_run_id").equals(r.runId())) {
        recomputed.add(id);
      }
    });
    assertThat(recomputed).containsExactly("15528", "18461", "26536", "3168", "49494");
    assertThat(r.computed()).isEqualTo(5);
    assertThat(r.reused()).isEqualTo(994);
    assertThat(r.relabelled()).isEqualTo(1);
    assertThat(r.removed()).isEqualTo(1);
    assertThat(after).hasSize(999).doesNotContainKey("31924");
    assertThat(after.get("2886").<String>getAs("label")).isEqualTo("Casual Shoes");
    assertThat(r.imageFailures()).isEqualTo(Map.of("truncated", 1L));
    Row broken = after.get("15528");
    assertThat(broken.<Boolean>getAs("image_ok")).isFalse();
    assertThat(broken.<String>getAs("image_failure")).isEqualTo("truncated");
    assertThat(broken.<String>getAs("image_message")).contains("15528.jpg");
    assertThat((byte[]) broken.getAs("image")).isNull();
    assertThat(broken.getList(broken.fieldIndex("title_ids"))).isNotEmpty();
    assertThat(after.get("3168").<byte[]>getAs("image")).isEqualTo(after.get("18461").<byte[]>getAs("image"));
    TextPipeline text = TextPipeline.load(lake.features() + "/" + PreprocessStage.PIPELINES_FOLDER + "/"
        + r.textPipelineId() + ".json", spark.sparkContext().hadoopConfiguration());
    Row sports = after.get("26536");
    assertThat(sports.getList(sports.fieldIndex("description_ids"))).isEqualTo(Arrays.stream(
        text.encodeDescription(null, attributes("Men", "Sports", "Summer", "White"))).boxed().toList());
  }

  @Test
  @Order(6)
  void changedTextSettingsNeedFullAndFullRefitsEverything() {
    CatalogConfig fewerBuckets = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "preprocess.text.subword-buckets=1024");
    assertThatThrownBy(() -> new PreprocessStage(spark, fewerBuckets, false).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Run `preprocess --full`");
    CatalogConfig changed = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "preprocess.text.bigrams=false");
    assertThatThrownBy(() -> new PreprocessStage(spark, changed, false).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Run `preprocess --full`");
    CatalogConfig fewerAttributes = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "preprocess.text.attributes=[gender]");
    assertThatThrownBy(() -> new PreprocessStage(spark, fewerAttributes, false).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Run `preprocess --full`");
    CatalogConfig hyphensDropped = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "preprocess.text.keep-hyphenated=false");
    assertThatThrownBy(() -> new PreprocessStage(spark, hyphensDropped, false).execute())
        .isInstanceOf(CatalogException.class)
        .hasMessageContaining("Run `preprocess --full`");
    Map<String, Object> splitsBefore = new HashMap<>();
    features().forEach((id, row) -> splitsBefore.put(id, row.getAs("split")));
    PreprocessResult full = new PreprocessStage(spark, changed, true).execute();
    Map<String, Object> splitsAfter = new HashMap<>();
    features().forEach((id, row) -> splitsAfter.put(id, row.getAs("split")));
    assertThat(splitsAfter).as("a full recompute keeps every product in its split").isEqualTo(splitsBefore);

    CatalogConfig bigger = config(dir.resolve("lake"), List.of("conf/examples/fashion.conf"),
        "source.input=" + drop, "preprocess.text.bigrams=false", "preprocess.image.width=32",
        "preprocess.image.height=32");
    PreprocessResult resized = new PreprocessStage(spark, bigger, false).execute();
    assertThat(resized.computed()).as("a new image size recomputes every row").isEqualTo(resized.products());
    Row deo = features().get("18461");
    assertThat((byte[]) deo.getAs("image")).hasSize(32 * 32 * 3);
    assertThat(deo.<String>getAs("image_spec")).isEqualTo("32x32-pad");
    assertThat(full.computed()).isEqualTo(full.products());
    assertThat(full.textPipelineFitted()).isTrue();
    assertThat(full.textPipelineId()).isNotEqualTo(first.textPipelineId());
  }
}
