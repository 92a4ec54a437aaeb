package io.catalogml.model;

import io.catalogml.config.ModelSettings;

import java.io.Serializable;

/**
 * What a network reads, recorded in the model package so that scoring feeds it exactly as
 * training did: which inputs, the token sequence length, the vocabulary and image size, and the
 * text pipeline and image settings the features must come from.
 *
 * @param mode text, image or fusion
 * @param maxTokens length of the token sequence (title ids, then description ids)
 * @param vocabularySize ids of the text pipeline, padding and unknown included
 * @param imageWidth image width in pixels
 * @param imageHeight image height in pixels
 * @param textPipelineId id of the text pipeline the token ids come from
 * @param imageSpec image size and fit the features were made with, e.g. {@code 64x64-pad}
 */
public record InputSpec(ModelSettings.Mode mode, int maxTokens, int vocabularySize, int imageWidth, int imageHeight,
    String textPipelineId, String imageSpec) implements Serializable {

  /** Input name of the token ids: {@code [batch, maxTokens]}, with a mask of the real tokens. */
  public static final String TOKENS = "tokens";
  /** Input name of the image: {@code [batch, 3, height, width]}, values in [-0.5, 0.5]. */
  public static final String IMAGE = "image";
  /** Input name of the image flag: {@code [batch, 1]}, 1 when the product has a usable image. */
  public static final String IMAGE_PRESENT = "image_present";

  /** The same spec with another mode. */
  public InputSpec withMode(ModelSettings.Mode newMode) {
    return new InputSpec(newMode, maxTokens, vocabularySize, imageWidth, imageHeight, textPipelineId, imageSpec);
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
