package io.catalogml.preprocess.text;

import io.catalogml.config.TextSettings;

import java.io.Serializable;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.commons.text.StringEscapeUtils;
import org.apache.spark.ml.feature.StopWordsRemover;

/**
 * Turns raw product text (HTML, entities, accents, any case) into clean tokens:
 * HTML entity unescaping and tag stripping, Unicode NFKC, lower case, optional accent folding,
 * the digit rule, punctuation to spaces, stop word removal. With
 * {@link TextSettings#keepHyphenated()} the parts of a hyphenated word are never stop words
 * ({@code T-shirt} gives {@code t shirt}).
 */
public final class TextNormalizer implements Serializable {
  private static final Pattern TAG = Pattern.compile("<[^>]{0,500}>");
  private static final Pattern MARKS = Pattern.compile("\\p{M}+");
  private static final Pattern DIGITS = Pattern.compile("\\p{Nd}+");
  private static final Pattern NOT_WORD = Pattern.compile("[^\\p{L}\\p{Nd}]+");
  // The characters that join a hyphenated word: the ASCII hyphen-minus (NFKC maps the full-width and small ones
  // to it), the hyphen U+2010, the non-breaking hyphen U+2011 and the soft hyphen U+00AD. Not the dashes or the
  // minus sign, which separate words. Part of keepHyphenated's meaning: a pipeline fitted with it must keep
  // reading the same characters, so change this only with a new setting.
  private static final String HYPHEN_CHARS = "\\-\\u2010\\u2011\\u00AD";
  private static final Pattern NOT_WORD_NOR_HYPHEN = Pattern.compile("[^\\p{L}\\p{Nd}" + HYPHEN_CHARS + "]+");
  private static final Pattern HYPHENS = Pattern.compile("[" + HYPHEN_CHARS + "]+");

  private final TextSettings settings;
  private final Set<String> stopWords;

  public TextNormalizer(TextSettings settings) {
    this.settings = settings;
    Set<String> words = new HashSet<>();
    for (String language : settings.stopWordLanguages()) {
      for (String w : StopWordsRemover.loadDefaultStopWords(language)) {
        words.add(normalise(w));
      }
    }
    words.remove("");
    this.stopWords = Set.copyOf(words);
  }

  /** Clean text: one space between words, no markup, no punctuation. Empty for null. */
  public String clean(String raw) {
    if (raw == null || raw.isEmpty()) {
      return "";
    }
    return normalise(markupFree(raw), NOT_WORD);
  }

  private static String markupFree(String raw) {
    String text = unescape(raw);
    text = TAG.matcher(text).replaceAll(" ");
    return unescape(text);
  }

  /**
   * Tokens of {@link #clean}, without stop words; with {@link TextSettings#keepHyphenated()}, a stop word that is
   * part of a hyphenated word stays ({@code T-shirt} gives {@code t, shirt}). Hyphens are read after the digit
   * rule: with {@code digits = drop}, {@code 3-in-1} is {@code in} alone, so {@code in} is a stop word again.
   */
  public List<String> tokens(String raw) {
    List<String> tokens = new ArrayList<>();
    if (!settings.keepHyphenated()) {
      String clean = clean(raw);
      if (clean.isEmpty()) {
        return tokens;
      }
      for (String token : clean.split(" ")) {
        if (!stopWords.contains(token)) {
          tokens.add(token);
        }
      }
      return tokens;
    }
    if (raw == null || raw.isEmpty()) {
      return tokens;
    }
    for (String word : normalise(markupFree(raw), NOT_WORD_NOR_HYPHEN).split(" ")) {
      List<String> parts = new ArrayList<>();
      for (String part : HYPHENS.split(word)) {
        if (!part.isEmpty()) {
          parts.add(part);
        }
      }
      // The same tokens as clean(), hyphens being spaces there; only the stop-word rule differs.
      for (String part : parts) {
        if (parts.size() > 1 || !stopWords.contains(part)) {
          tokens.add(part);
        }
      }
    }
    return tokens;
  }

  private String normalise(String text) {
    return normalise(text, NOT_WORD);
  }

  private String normalise(String text, Pattern notWord) {
    String t = Normalizer.normalize(text, Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
    if (settings.foldAccents()) {
      t = MARKS.matcher(Normalizer.normalize(t, Normalizer.Form.NFD)).replaceAll("")
          .replace("œ", "oe").replace("æ", "ae").replace("ß", "ss");
    }
    t = switch (settings.digits()) {
      case KEEP -> t;
      case DROP -> DIGITS.matcher(t).replaceAll(" ");
      case MASK -> DIGITS.matcher(t).replaceAll("0");
    };
    return notWord.matcher(t).replaceAll(" ").trim();
  }

  /** Unescapes entities, twice at most: catalogues often double-escape ({@code &amp;eacute;}). */
  private static String unescape(String text) {
    if (text.indexOf('&') < 0) {
      return text;
    }
    String once = StringEscapeUtils.unescapeHtml4(text);
    return once.indexOf('&') < 0 ? once : StringEscapeUtils.unescapeHtml4(once);
  }
}
