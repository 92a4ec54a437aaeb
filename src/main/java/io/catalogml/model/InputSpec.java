package io.catalogml.model;

import io.catalogml.config.ModelSettings;
import io.catalogml.preprocess.text.TextPipeline;
import java.io.Serializable;

/**
 * What a network reads, recorded in the model package so that scoring feeds it exactly as
 * training did: which inputs, the token sequence length, the vocabulary and image size, and the
 * text pipeline and image settings the features must come from.
 *
 * <p>The token input is {@link #tokenLength()} ids long: {@code maxTokens} slots for the title's
 * then the description's word and bigram ids, then {@code subwordTokens} slots for the subword
 * ids, each part padded and masked on its own. A package written before subwords existed has no
 * {@code subwordTokens} and reads as 0: words only, as it was trained.
 *
 * <p>With {@code bag} the token input is not a sequence but the product's bag of those same ids:
 * {@code [batch, vocabularySize]}, each id's count divided by the number of ids, so one matrix
 * product with the embedding matrix is the mean of their embeddings (fastText's embedding bag)
 * at a cost that does not grow with the number of ids. Packages written before have no
 * {@code bag} and read sequences.
 *
 * <p>With {@code idBag} too, the bag comes as the ids themselves, {@code [batch, tokenLength]} with
 * {@link EmbeddingBag#EMPTY} in the unused slots, and an {@link EmbeddingBag} layer averages their
 * embeddings: the same function, at a cost that grows with the ids rather than with the vocabulary.
 * Packages written before it have no {@code idBag} and read frequencies.
 *
 * @param mode text, image or fusion
 * @param maxTokens slots for word and bigram ids (title ids, then description ids)
 * @param vocabularySize ids the network embeds: padding, unknown and the vocabulary, and the subword buckets
 *     when it reads subword ids
 * @param imageWidth image width in pixels
 * @param imageHeight image height in pixels
 * @param textPipelineId id of the text pipeline the token ids come from
 * @param imageSpec image size and fit the features were made with, e.g. {@code 64x64-pad}
 * @param subwordTokens slots for subword ids after the word ids (0 = the model reads no subword ids)
 * @param bag the token input is the bag of those ids rather than their sequence
 * @param idBag the bag is the ids themselves (for an {@link EmbeddingBag}) rather than their frequencies
 */
public record InputSpec(ModelSettings.Mode mode, int maxTokens, int vocabularySize, int imageWidth, int imageHeight,
    String textPipelineId, String imageSpec, int subwordTokens, boolean bag, boolean idBag) implements Serializable {

  /**
   * Input name of the token ids: {@code [batch, tokenLength]} with a mask of the real tokens, or
   * with {@code bag} {@code [batch, vocabularySize]} id frequencies and no mask, or with {@code idBag}
   * {@code [batch, tokenLength]} ids and {@link EmbeddingBag#EMPTY}, no mask.
   */
  public static final String TOKENS = "tokens";
  /** Input name of the image: {@code [batch, 3, height, width]}, values in [-0.5, 0.5]. */
  public static final String IMAGE = "image";
  /** Input name of the image flag: {@code [batch, 1]}, 1 when the product has a usable image. */
  public static final String IMAGE_PRESENT = "image_present";

  /** A spec without subword ids. */
  public InputSpec(ModelSettings.Mode mode, int maxTokens, int vocabularySize, int imageWidth, int imageHeight,
      String textPipelineId, String imageSpec) {
    this(mode, maxTokens, vocabularySize, imageWidth, imageHeight, textPipelineId, imageSpec, 0, false, false);
  }

  /** A spec whose bag, if any, is the ids' frequencies (as packages before {@code idBag} read it). */
  public InputSpec(ModelSettings.Mode mode, int maxTokens, int vocabularySize, int imageWidth, int imageHeight,
      String textPipelineId, String imageSpec, int subwordTokens, boolean bag) {
    this(mode, maxTokens, vocabularySize, imageWidth, imageHeight, textPipelineId, imageSpec, subwordTokens, bag,
        false);
  }

  /**
   * What a network built from {@code model} reads from features made by {@code text}: the subword
   * ids too when the pipeline emits them and {@code model.text.max-subword-tokens} &gt; 0, as a
   * bag of ids for the {@code pool} encoder and as a sequence for {@code cnn}.
   */
  public static InputSpec network(ModelSettings model, TextPipeline text, int imageWidth, int imageHeight,
      String imageSpec) {
    int subwords = text.settings().subwords() ? model.subwordTokens() : 0;
    boolean pool = model.textEncoder() == ModelSettings.TextEncoder.POOL;
    return new InputSpec(model.mode(), model.maxTokens(), subwords > 0 ? text.size() : text.wordIds(), imageWidth,
        imageHeight, text.id(), imageSpec, subwords, pool, pool);
  }

  /**
   * This spec with the bag layout {@code network} reads: ids for an {@link EmbeddingBag}, frequencies
   * for the dense layer of a network made before it (a checkpoint resumed by a newer build).
   */
  public InputSpec layoutOf(org.deeplearning4j.nn.graph.ComputationGraph network) {
    if (!bag) {
      return this;
    }
    boolean ids = network.getConfiguration().getVertices().containsKey("embedding")
        && network.getLayer("embedding") instanceof EmbeddingBagLayer;
    return ids == idBag ? this : new InputSpec(mode, maxTokens, vocabularySize, imageWidth, imageHeight,
        textPipelineId, imageSpec, subwordTokens, bag, ids);
  }

  /** Length of the token input: word slots, then subword slots. */
  public int tokenLength() {
    return maxTokens + subwordTokens;
  }

  /** The same spec with another mode. */
  public InputSpec withMode(ModelSettings.Mode newMode) {
    return new InputSpec(newMode, maxTokens, vocabularySize, imageWidth, imageHeight, textPipelineId, imageSpec,
        subwordTokens, bag, idBag);
  }

  /** Input names in the order of the network's inputs. */
  public String[] inputs() {
    return switch (mode) {
      case TEXT -> new String[] {TOKENS};
      case IMAGE -> new String[] {IMAGE, IMAGE_PRESENT};
      case FUSION -> new String[] {TOKENS, IMAGE, IMAGE_PRESENT};
    };
  }
}
