package io.catalogml.preprocess.text;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.TextSettings;
import io.catalogml.config.TextSettings.Digits;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** Word, bigram and subword ids of the text pipeline, and its content id. */
class TextPipelineTest {
  static final TextSettings WORDS = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 16);
  static final TextSettings SUBWORDS = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 16,
      1024, 2, 5, 256);
  static final List<String> VOCABULARY = List.of("men", "tshirt", "men tshirt", "blue");

  @Test
  void fnv1aMatchesTheReferenceVectors() {
    // From the FNV reference (Fowler, Noll, Vo): FNV-1a 32-bit of "", "a" and "foobar".
    assertThat(TextPipeline.fnv1a(new byte[0], 0, 0)).isEqualTo(0x811C9DC5);
    assertThat(TextPipeline.fnv1a("a".getBytes(StandardCharsets.UTF_8), 0, 1)).isEqualTo(0xE40C292C);
    assertThat(TextPipeline.fnv1a("foobar".getBytes(StandardCharsets.UTF_8), 0, 6)).isEqualTo(0xBF9CF968);
  }

  @Test
  void anUnknownWordSharesSubwordIdsWithTheKnownWordItResembles() {
    TextPipeline p = new TextPipeline(SUBWORDS, VOCABULARY);
    assertThat(p.wordIds()).isEqualTo(TextPipeline.FIRST_ID + 4);
    assertThat(p.size()).isEqualTo(p.wordIds() + 1024);
    assertThat(p.encodeTitle("Tshirts")).containsExactly(TextPipeline.UNKNOWN);

    Set<Integer> unknown = ids(p.encodeSubwords("Tshirts", ""));
    Set<Integer> known = ids(p.encodeSubwords("Tshirt", ""));
    Set<Integer> other = ids(p.encodeSubwords("Kurta", ""));
    assertThat(unknown).allMatch(id -> id >= p.wordIds() && id < p.size());
    // <tshirts> and <tshirt> share every n-gram of "<tshirt": 6 + 5 + 4 + 3 = 18 of lengths 2 to 5.
    Set<Integer> shared = unknown.stream().filter(known::contains).collect(Collectors.toSet());
    assertThat(shared).hasSizeGreaterThanOrEqualTo(14);
    assertThat(unknown.stream().filter(other::contains).count()).isLessThan(3);
  }

  @Test
  void subwordsAreEveryNgramOfEachWordBetweenBoundaryMarks() {
    TextPipeline p = new TextPipeline(SUBWORDS, VOCABULARY);
    // "<men>" has 5 characters: 4 bigrams, 3 trigrams, 2 four-grams, 1 five-gram.
    assertThat(p.encodeSubwords("men", "")).hasSize(10);
    int[] twoWords = p.encodeSubwords("Men Blue", "");
    assertThat(twoWords).hasSize(10 + 14);
    assertThat(Arrays.copyOf(twoWords, 10)).containsExactly(p.encodeSubwords("men", ""));
    // Characters, not bytes: "<été>" keeps its accents without folding and has 5 characters.
    TextSettings keep = new TextSettings(false, Digits.KEEP, List.of(), false, 1, 100, 8, 16, 1024, 2, 5, 256);
    assertThat(new TextPipeline(keep, VOCABULARY).encodeSubwords("été", "")).hasSize(10);
    // Description words follow the title's; truncated at subword-max-tokens; stop words have none.
    assertThat(p.encodeSubwords("men", "blue")).hasSize(24);
    TextSettings short12 = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 16, 1024, 2, 5, 12);
    assertThat(new TextPipeline(short12, VOCABULARY).encodeSubwords("men blue", "")).hasSize(12);
    assertThat(p.encodeSubwords("the", null)).isEmpty();
    assertThat(p.encodeSubwords(null, null)).isEmpty();
  }

  @Test
  void withoutBucketsThereAreNoSubwordsAndTheContentIdDoesNotChange() throws Exception {
    TextPipeline words = new TextPipeline(WORDS, VOCABULARY);
    assertThat(words.encodeSubwords("men tshirt", "blue")).isEmpty();
    assertThat(words.size()).isEqualTo(words.wordIds());
    // A pipeline fitted before subwords existed: its JSON has no subword keys and reads back with its id.
    assertThat(words.toJson()).doesNotContain("subword");
    TextPipeline reread = TextPipeline.fromJson(words.toJson());
    assertThat(reread.id()).isEqualTo(words.id());
    // Lengths without buckets mean nothing: they do not make another pipeline.
    TextSettings lengthsOnly = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 16, 0, 3, 6,
        99);
    assertThat(new TextPipeline(lengthsOnly, VOCABULARY).id()).isEqualTo(words.id());

    TextPipeline subwords = new TextPipeline(SUBWORDS, VOCABULARY);
    assertThat(subwords.id()).isNotEqualTo(words.id());
    TextPipeline back = TextPipeline.fromJson(subwords.toJson());
    assertThat(back.id()).isEqualTo(subwords.id());
    assertThat(back.encodeSubwords("tshirts men", "")).containsExactly(subwords.encodeSubwords("tshirts men", ""));
  }

  @Test
  void attributesAreOneTokenEachTheirIdsFirstInTheDescription() throws Exception {
    TextSettings attributes = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 4, 1024, 2, 5,
        256, List.of("usage", "baseColour"));
    assertThat(TextPipeline.attributeToken("baseColour", "  Navy   Blue ")).isEqualTo("baseColour=navy blue");
    assertThat(TextPipeline.attributeToken("usage", " ")).isNull();
    assertThat(TextPipeline.attributeTokens(List.of("usage", "baseColour", "season"),
        scalaMap(Map.of("usage", "Sports", "season", "", "gender", "Men")))).containsExactly("usage=sports");

    List<String> vocabulary = List.of("men", "shoe", "usage=sports", "usage=casual", "baseColour=navy blue");
    TextPipeline p = new TextPipeline(attributes, vocabulary);
    int sports = TextPipeline.FIRST_ID + 2;
    int navy = TextPipeline.FIRST_ID + 4;
    int men = TextPipeline.FIRST_ID;
    // In the order of the setting, before the description's own ids, which keep their limit of 4.
    assertThat(p.encodeDescription("men men men men men", scalaMap(Map.of("baseColour", "Navy Blue",
        "usage", "SPORTS", "gender", "Men")))).containsExactly(sports, navy, men, men, men, men);
    // A value the vocabulary lacks, a missing attribute and no attributes give no id (never the unknown word's).
    assertThat(p.encodeDescription("men", scalaMap(Map.of("usage", "Formal")))).containsExactly(men);
    assertThat(p.encodeDescription("men", null)).containsExactly(men);

    TextPipeline without = new TextPipeline(SUBWORDS, vocabulary);
    assertThat(without.toJson()).doesNotContain("attributes");
    assertThat(p.toJson()).contains("\"attributes\":[\"usage\",\"baseColour\"]");
    assertThat(p.id()).isNotEqualTo(without.id());
    TextPipeline back = TextPipeline.fromJson(p.toJson());
    assertThat(back.id()).isEqualTo(p.id());
    assertThat(back.settings().attributes()).containsExactly("usage", "baseColour");
    assertThat(TextPipeline.fromJson(without.toJson()).settings()).isEqualTo(SUBWORDS);
    // A pipeline that reads no attributes ignores them.
    assertThat(without.encodeDescription("men", scalaMap(Map.of("usage", "Sports")))).containsExactly(men);
  }

  @Test
  void keepingHyphenatedPartsIsPartOfThePipelineAndLeftOutOfItsJsonWhenOff() throws Exception {
    TextSettings keep = new TextSettings(true, Digits.MASK, List.of("english"), true, 1, 100, 8, 4, 1024, 2, 5, 256,
        List.of(), true);
    List<String> vocabulary = List.of("t", "shirt", "t shirt", "striped");
    TextPipeline p = new TextPipeline(keep, vocabulary);
    TextPipeline before = new TextPipeline(SUBWORDS, vocabulary);
    int t = TextPipeline.FIRST_ID;
    int shirt = TextPipeline.FIRST_ID + 1;
    int tShirt = TextPipeline.FIRST_ID + 2;
    assertThat(p.encodeTitle("T-shirt")).containsExactly(t, shirt, tShirt);
    assertThat(before.encodeTitle("T-shirt")).containsExactly(shirt);
    assertThat(ids(p.encodeSubwords("T-shirt", ""))).isNotEqualTo(ids(p.encodeSubwords("Shirt", "")));

    assertThat(before.toJson()).doesNotContain("keepHyphenated");
    assertThat(p.toJson()).contains("\"keepHyphenated\":true");
    assertThat(p.id()).isNotEqualTo(new TextPipeline(new TextSettings(true, Digits.MASK, List.of("english"), true, 1,
        100, 8, 4, 1024, 2, 5, 256, List.of(), false), vocabulary).id());
    TextPipeline back = TextPipeline.fromJson(p.toJson());
    assertThat(back.id()).isEqualTo(p.id());
    assertThat(back.encodeTitle("T-shirt")).containsExactly(t, shirt, tShirt);
    assertThat(TextPipeline.fromJson(before.toJson()).settings().keepHyphenated()).isFalse();
  }

  private static scala.collection.Map<String, String> scalaMap(Map<String, String> m) {
    return scala.collection.JavaConverters.mapAsScalaMap(new java.util.HashMap<>(m));
  }

  private static Set<Integer> ids(int[] ids) {
    return Arrays.stream(ids).boxed().collect(Collectors.toSet());
  }
}
