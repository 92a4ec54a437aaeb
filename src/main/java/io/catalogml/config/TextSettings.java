package io.catalogml.config;

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
 */
public record TextSettings(boolean foldAccents, Digits digits, List<String> stopWordLanguages, boolean bigrams,
    int minCount, int maxVocabulary, int titleMaxTokens, int descriptionMaxTokens) implements Serializable {

  /** Digit handling: keep them, drop them, or replace every digit run by {@code 0}. */
  public enum Digits { KEEP, DROP, MASK }
}
