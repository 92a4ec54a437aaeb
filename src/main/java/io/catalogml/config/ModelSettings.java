package io.catalogml.config;

import java.io.Serializable;
import java.util.List;

/**
 * What model the train job builds (configuration {@code model.*}).
 *
 * @param name registered model name, e.g. {@code product-type}
 * @param type the model family: a DL4J network or the MLlib baseline
 * @param mode which inputs a DL4J network reads
 * @param textEncoder how the text branch turns token embeddings into one vector
 * @param embeddingSize size of the token embeddings
 * @param maxTokens length of the token sequence the network reads (title ids, then description ids)
 * @param imageFilters output channels of the image branch's convolution blocks, in order
 * @param imageStride stride of the first convolution (2 halves the image before any other work)
 * @param hiddenSize width of the dense layer before the softmax
 * @param dropout dropout probability on the dense layer's input (0 = none)
 * @param classWeights weight the loss by inverse class frequency in the training split
 * @param subwordTokens subword ids the network reads after the word ids (0 = none; only when the text pipeline has them)
 */
public record ModelSettings(String name, Type type, Mode mode, TextEncoder textEncoder, int embeddingSize,
    int maxTokens, List<Integer> imageFilters, int imageStride, int hiddenSize, double dropout, boolean classWeights,
    int subwordTokens) implements Serializable {

  /** Settings of a network that reads no subword ids. */
  public ModelSettings(String name, Type type, Mode mode, TextEncoder textEncoder, int embeddingSize, int maxTokens,
      List<Integer> imageFilters, int imageStride, int hiddenSize, double dropout, boolean classWeights) {
    this(name, type, mode, textEncoder, embeddingSize, maxTokens, imageFilters, imageStride, hiddenSize, dropout,
        classWeights, 0);
  }

  /** The same settings for a DL4J network reading {@code newMode}, without class weights (benchmarks). */
  public ModelSettings dl4jNetwork(Mode newMode) {
    return new ModelSettings(name, Type.DL4J, newMode, textEncoder, embeddingSize, maxTokens, imageFilters, imageStride,
        hiddenSize, dropout, false, subwordTokens);
  }

  /** Model family. */
  public enum Type {
    /** A Deeplearning4j ComputationGraph trained on Spark. */
    DL4J,
    /** Spark MLlib TF-IDF + multinomial logistic regression on the token ids: the yardstick. */
    MLLIB_LOGREG
  }

  /** Inputs of a DL4J network. */
  public enum Mode { TEXT, IMAGE, FUSION;

    /** Whether the network reads the token ids. */
    public boolean usesText() {
      return this != IMAGE;
    }

    /** Whether the network reads the image. */
    public boolean usesImage() {
      return this != TEXT;
    }
  }

  /** Text branch: fastText-like mean of embeddings, or a 1-D convolution with max pooling. */
  public enum TextEncoder { POOL, CNN }
}
