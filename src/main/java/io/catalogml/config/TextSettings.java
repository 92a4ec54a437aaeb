package io.catalogml.config;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.io.Serializable;
import java.util.List;

/**
 * How product text becomes token ids. Part of the fitted {@link TextPipeline}: a pipeline is
 * always applied with the settings it was fitted with.
 *
 * @param foldAccents remove diacritics ({@code été} → {@code ete})
 * @param digits what happens to digit runs
 * @param stopWordLanguages Spark ML stop word lists to remove ({@code english}, {@code french}, ...)
 * @param bigrams add word bigrams after each unigram
 * @param minCount minimum training-split count for a token to enter the vocabulary
 * @param maxVocabulary maximum vocabulary size (most frequent first)
 * @param titleMaxTokens length of the title id sequence (truncated, not padded)
 * @param descriptionMaxTokens length of the description id sequence
 * @param subwordBuckets hash buckets of the words' character n-grams (0 = no subword ids)
 * @param subwordMinLength shortest character n-gram, the word's boundary marks {@code <} and {@code >} included
 * @param subwordMaxLength longest character n-gram
 * @param subwordMaxTokens length of a product's subword id sequence (title words first, truncated)
 * @param attributes names of the product attributes (bronze's {@code attributes}, from
 *     {@code source.generic.columns.extra}) read as features: each product's value of each becomes one
 *     token, {@code name=value}, counted into the vocabulary like a word; empty = none
 * @param keepHyphenated the parts of a hyphenated word stay words even when a stop-word list names them:
 *     {@code T-shirt} reads {@code t shirt}, not {@code shirt} (false in pipelines fitted before this setting)
 */
public record TextSettings(boolean foldAccents, Digits digits, List<String> stopWordLanguages, boolean bigrams,
    int minCount, int maxVocabulary, int titleMaxTokens, int descriptionMaxTokens,
    // Left out of the artifact's JSON when 0: a pipeline fitted before subwords existed keeps its content id.
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int subwordBuckets,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int subwordMinLength,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int subwordMaxLength,
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) int subwordMaxTokens,
    // Left out of the JSON when empty: a pipeline fitted before attributes existed keeps its content id.
    @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> attributes,
    // Left out of the JSON when false: a pipeline fitted before it existed keeps its content id and its tokens.
    @JsonInclude(JsonInclude.Include.NON_DEFAULT) boolean keepHyphenated) implements Serializable {

  /**
   * Without subword buckets the n-gram settings mean nothing and are 0, so they do not change the pipeline's id.
   * No attributes (absent from an older pipeline's JSON) is the empty list.
   */
  public TextSettings {
    attributes = attributes == null ? List.of() : List.copyOf(attributes);
    if (subwordBuckets == 0) {
      subwordMinLength = 0;
      subwordMaxLength = 0;
      subwordMaxTokens = 0;
    }
  }

  /** Settings whose stop words remove parts of hyphenated words too (pipelines fitted before the choice). */
  public TextSettings(boolean foldAccents, Digits digits, List<String> stopWordLanguages, boolean bigrams,
      int minCount, int maxVocabulary, int titleMaxTokens, int descriptionMaxTokens, int subwordBuckets,
      int subwordMinLength, int subwordMaxLength, int subwordMaxTokens, List<String> attributes) {
    this(foldAccents, digits, stopWordLanguages, bigrams, minCount, maxVocabulary, titleMaxTokens,
        descriptionMaxTokens, subwordBuckets, subwordMinLength, subwordMaxLength, subwordMaxTokens, attributes, false);
  }

  /** Settings that read no attribute. */
  public TextSettings(boolean foldAccents, Digits digits, List<String> stopWordLanguages, boolean bigrams,
      int minCount, int maxVocabulary, int titleMaxTokens, int descriptionMaxTokens, int subwordBuckets,
      int subwordMinLength, int subwordMaxLength, int subwordMaxTokens) {
    this(foldAccents, digits, stopWordLanguages, bigrams, minCount, maxVocabulary, titleMaxTokens,
        descriptionMaxTokens, subwordBuckets, subwordMinLength, subwordMaxLength, subwordMaxTokens, List.of(), false);
  }

  /** Settings without subword ids. */
  public TextSettings(boolean foldAccents, Digits digits, List<String> stopWordLanguages, boolean bigrams,
      int minCount, int maxVocabulary, int titleMaxTokens, int descriptionMaxTokens) {
    this(foldAccents, digits, stopWordLanguages, bigrams, minCount, maxVocabulary, titleMaxTokens,
        descriptionMaxTokens, 0, 0, 0, 0, List.of(), false);
  }

  /** Whether the pipeline emits subword ids. */
  public boolean subwords() {
    return subwordBuckets > 0;
  }

  /** Digit handling: keep them, drop them, or replace every digit run by {@code 0}. */
  public enum Digits { KEEP, DROP, MASK }
}
