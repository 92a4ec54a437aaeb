package io.catalogml.preprocess.text;

import io.catalogml.config.TextSettings;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.TextSettings.Digits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Cleaning on real catalogue text: French Rakuten descriptions full of HTML and entities. */
class TextNormalizerTest {
  static final TextSettings FOLD = new TextSettings(true, Digits.MASK, List.of("english", "french"), true, 1, 100, 8, 16);
  static final TextSettings KEEP_ACCENTS = new TextSettings(false, Digits.KEEP, List.of(), true, 1, 100, 8, 16);

  @Test
  void entitiesAreUnescapedAndAccentsFolded() {
    // Rakuten X_train row 4 (productid 278535884), as it is in the file.
    String raw = "Luc a des id&eacute;es de grandeur. Il veut organiser un jeu de guerre de boules de neige "
        + "et s'arranger pour en &ecirc;tre le vainqueur incontest&eacute;.";
    TextNormalizer n = new TextNormalizer(FOLD);
    assertThat(n.clean(raw)).isEqualTo(
        "luc a des idees de grandeur il veut organiser un jeu de guerre de boules de neige et s arranger pour en"
            + " etre le vainqueur inconteste");
    assertThat(new TextNormalizer(KEEP_ACCENTS).clean(raw)).contains("idées", "être", "incontesté");
    assertThat(n.tokens(raw)).startsWith("luc", "idees", "grandeur", "veut", "organiser", "jeu", "guerre")
        .doesNotContain("de", "des", "et", "le", "un", "a");
  }

  @Test
  void tagsAreStrippedAndDoubleEscapedEntitiesResolved() {
    // Rakuten X_train row 2 (productid 201115110) ends with markup like this.
    String raw = "Compatibilité: GamePad Nintendo Wii U<br> Forme ergonomique<br> <br>"
        + " <span class=\"vga_style2\"><b></b><br> &amp;eacute;t&amp;eacute; &lt;b&gt;gras&lt;/b&gt;";
    TextNormalizer n = new TextNormalizer(FOLD);
    assertThat(n.clean(raw)).isEqualTo("compatibilite gamepad nintendo wii u forme ergonomique ete gras");
  }

  @Test
  void unicodeIsNormalisedAndDigitsFollowTheRule() {
    String raw = "Ｃａｆé crème ﬁne — 25 cl, Œuvre n°12";
    assertThat(new TextNormalizer(FOLD).clean(raw)).isEqualTo("cafe creme fine 0 cl oeuvre n 0");
    TextSettings drop = new TextSettings(true, Digits.DROP, List.of(), true, 1, 100, 8, 16);
    assertThat(new TextNormalizer(drop).clean(raw)).isEqualTo("cafe creme fine cl oeuvre n");
    assertThat(new TextNormalizer(KEEP_ACCENTS).clean(raw)).isEqualTo("café crème fine 25 cl œuvre n 12");
  }

  @Test
  void thePartsOfAHyphenatedWordAreNeverStopWords() throws Exception {
    TextSettings keep = new TextSettings(true, Digits.MASK, List.of("english", "french"), true, 1, 100, 8, 16, 0, 0, 0,
        0, List.of(), true);
    TextNormalizer n = new TextNormalizer(keep);
    TextNormalizer before = new TextNormalizer(FOLD);
    // Fashion catalogue titles: "t" is an English and a French stop word, so a T-shirt used to read as a shirt.
    assertThat(before.tokens("Basics Men Purple Striped T-shirt"))
        .containsExactly("basics", "men", "purple", "striped", "shirt");
    assertThat(n.tokens("Basics Men Purple Striped T-shirt"))
        .containsExactly("basics", "men", "purple", "striped", "t", "shirt");
    assertThat(n.tokens("Wrangler Men Establish  Purple Shirt"))
        .containsExactly("wrangler", "men", "establish", "purple", "shirt");
    // A stop word on its own is still one; a hyphen between spaces or at an edge joins nothing.
    assertThat(n.tokens("Puma T shirt for the men")).containsExactly("puma", "shirt", "men");
    assertThat(n.tokens("Black - White & Grey -Tights- <b>Easy-to-wear</b> A--line"))
        .containsExactly("black", "white", "grey", "tights", "easy", "to", "wear", "a", "line");
    assertThat(n.tokens(null)).isEmpty();
    assertThat(n.tokens(" - ")).isEmpty();
    // clean() is unchanged (the title groups of the split read it).
    assertThat(n.clean("Striped T-shirt")).isEqualTo(before.clean("Striped T-shirt")).isEqualTo("striped t shirt");

    // The other hyphens that join words count; dashes and the minus sign separate them.
    assertThat(n.tokens("T\u2010shirt T\u2011shirt T\u00ADshirt &#45;t"))
        .containsExactly("t", "shirt", "t", "shirt", "t", "shirt");
    assertThat(n.tokens("T\u2013shirt T\u2212shirt")).containsExactly("shirt", "shirt");
    // Hyphens are read after the digit rule and the accents: "3-in-1" keeps its "in" unless the digits are dropped.
    TextSettings dropDigits = new TextSettings(false, Digits.DROP, List.of("english", "french"), true, 1, 100, 8, 16, 0,
        0, 0, 0, List.of(), true);
    assertThat(n.tokens("3-in-1 Être-à-la-mode")).containsExactly("0", "in", "0", "etre", "a", "la", "mode");
    assertThat(new TextNormalizer(dropDigits).tokens("3-in-1 Être-à-la-mode"))
        .containsExactly("être", "à", "la", "mode");

    // On real text: without hyphens the tokens are those of the rule before the setting, and with them the only
    // tokens added are stop words of hyphenated words, in their places.
    for (String line : Files.readAllLines(Path.of("data/sample/rakuten/X_train_update.csv"))) {
      String spaced = line.replaceAll("[-\u2010\u2011\u00AD]", " ");
      assertThat(n.tokens(spaced)).as(line).isEqualTo(before.tokens(line));
      List<String> added = new java.util.ArrayList<>(n.tokens(line));
      List<String> hyphenatedParts = new java.util.ArrayList<>();
      for (String word : line.split("[^\\p{L}\\p{Nd}\\-&#;]+")) {
        if (word.matches(".*[\\p{L}\\p{Nd}]-[\\p{L}\\p{Nd}].*")) {
          hyphenatedParts.addAll(n.tokens(word));
        }
      }
      List<String> kept = n.tokens(line).stream().filter(t -> !before.tokens(t).isEmpty()).toList();
      assertThat(kept).as(line).isEqualTo(before.tokens(line));
      added.removeAll(kept);
      assertThat(hyphenatedParts).as(line).containsAll(added);
    }
  }

  @Test
  void nullAndMarkupOnlyGiveNoTokens() {
    TextNormalizer n = new TextNormalizer(FOLD);
    assertThat(n.tokens(null)).isEmpty();
    assertThat(n.tokens("<p><br/></p> &nbsp; ")).isEmpty();
  }

  @Test
  void everyRakutenSampleRowCleansWithoutMarkupOrEntities() throws Exception {
    TextNormalizer n = new TextNormalizer(FOLD);
    List<String> lines = Files.readAllLines(Path.of("data/sample/rakuten/X_train_update.csv"));
    String all = String.join("\n", lines);
    String cleaned = n.clean(all);
    String offending = cleaned.replaceAll("[\\p{Ll}\\p{Lo}\\p{Nd} ]", "");
    assertThat(offending).as("characters left that are not lower-case letters, digits or spaces").isEmpty();
    assertThat(cleaned.replaceAll("[a-z0-9 ]", "").chars().distinct().count())
        .as("letters left unfolded (ø and the like have no decomposition)").isLessThan(5);
    assertThat(cleaned.contains(" precision maximale ")).isTrue();
    assertThat(cleaned.contains("eacute") || cleaned.contains("egrave")).as("entity names left").isFalse();
  }

}
