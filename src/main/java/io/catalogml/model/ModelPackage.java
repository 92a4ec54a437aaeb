package io.catalogml.model;

import com.fasterxml.jackson.core.type.TypeReference;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import io.catalogml.preprocess.text.TextPipeline;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.util.ModelSerializer;

/**
 * A trained model as a self-contained folder, loadable by scoring without the training code
 * path:
 * <pre>
 * model-card.json, model-card.md   what made it and what it scored ({@link ModelCard})
 * labels.json                      class labels in output order ({@link LabelMap})
 * input-spec.json                  what the network reads ({@link InputSpec})
 * text-pipeline.json               the fitted text pipeline the token ids come from
 * network.zip                      the DL4J ComputationGraph (type dl4j), and/or
 * mllib/                           the Spark ML pipeline (type mllib-logreg; in a blended dl4j package, the baseline)
 * blend.json                       a blended dl4j package only: the baseline's weight ({@link BlendedClassifier})
 * monitor-reference.json           what monitoring compares each night with (io.catalogml.monitor)
 * </pre>
 *
 * <p>A blended package is of format {@value #BLENDED_FORMAT}, so that a catalog-ml from before
 * blending refuses it instead of scoring with its network alone.
 */
public final class ModelPackage {
  /** Format tag in every model card. */
  public static final String FORMAT = "catalog-ml/model/1";
  /** Format tag of a package whose network is blended with the baseline ({@code blend.json}). */
  public static final String BLENDED_FORMAT = "catalog-ml/model/2";
  private static final java.util.Set<String> READABLE = java.util.Set.of(FORMAT, BLENDED_FORMAT);
  private static final String FORMAT_PREFIX = "catalog-ml/model/";
  private static final java.util.Set<String> TYPES = java.util.Set.of("dl4j", "mllib-logreg");
  static final String CARD = "model-card.json";
  static final String CARD_MD = "model-card.md";
  static final String LABELS = "labels.json";
  static final String SPEC = "input-spec.json";
  static final String TEXT_PIPELINE = "text-pipeline.json";
  static final String NETWORK = "network.zip";
  static final String MLLIB = "mllib";
  static final String BLEND = "blend.json";

  private final Path folder;
  private final ModelCard card;
  private final LabelMap labels;
  private final InputSpec spec;
  private final Blend blend;

  /**
   * How a blended package combines its two models.
   *
   * @param baselineWeight the baseline's weight {@code w}; the network's is {@code 1 - w}
   * @param rule how the probabilities are combined (the only one: {@value #GEOMETRIC})
   */
  public record Blend(double baselineWeight, String rule) {
    /** The normalised weighted geometric mean ({@link BlendedClassifier#blend}). */
    public static final String GEOMETRIC = "weighted-geometric-mean";
  }

  private ModelPackage(Path folder, ModelCard card, LabelMap labels, InputSpec spec, Blend blend) {
    this.folder = folder;
    this.card = card;
    this.labels = labels;
    this.spec = spec;
    this.blend = blend;
  }

  /** Writes a DL4J package. */
  public static ModelPackage writeDl4j(Path folder, ComputationGraph net, ModelCard card, LabelMap labels,
      InputSpec spec, TextPipeline text) {
    writeCommon(folder, card, labels, spec, text);
    try {
      ModelSerializer.writeModel(net, folder.resolve(NETWORK).toFile(), false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new ModelPackage(folder, card, labels, spec, null);
  }

  /**
   * Writes a blended DL4J package: the network, the baseline fitted on the same split and the
   * baseline's weight; the card is written with format {@value #BLENDED_FORMAT}.
   */
  public static ModelPackage writeBlended(Path folder, ComputationGraph net, LogRegClassifier baseline,
      double baselineWeight, ModelCard card, LabelMap labels, InputSpec spec, TextPipeline text) {
    ModelCard blended = card.withFormat(BLENDED_FORMAT);
    writeDl4j(folder, net, blended, labels, spec, text);
    baseline.save(folder.resolve(MLLIB).toUri().toString());
    Blend blend = new Blend(baselineWeight, Blend.GEOMETRIC);
    try {
      Files.writeString(folder.resolve(BLEND), Json.pretty(blend));
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder, e);
    }
    return new ModelPackage(folder, blended, labels, spec, blend);
  }

  /** Writes an MLlib baseline package. */
  public static ModelPackage writeLogReg(Path folder, LogRegClassifier model, ModelCard card, LabelMap labels,
      InputSpec spec, TextPipeline text) {
    writeCommon(folder, card, labels, spec, text);
    model.save(folder.resolve(MLLIB).toUri().toString());
    return new ModelPackage(folder, card, labels, spec, null);
  }

  private static void writeCommon(Path folder, ModelCard card, LabelMap labels, InputSpec spec, TextPipeline text) {
    try {
      Files.createDirectories(folder);
      Files.writeString(folder.resolve(CARD), Json.pretty(card));
      Files.writeString(folder.resolve(CARD_MD), card.toMarkdown());
      Files.writeString(folder.resolve(LABELS), Json.pretty(labels.labels()));
      Files.writeString(folder.resolve(SPEC), Json.pretty(spec));
      try (OutputStream out = Files.newOutputStream(folder.resolve(TEXT_PIPELINE))) {
        out.write(text.toJson().getBytes(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder, e);
    }
  }

  /** Reads a package folder; fails with a clear message when it is not one. */
  public static ModelPackage read(Path folder) {
    Path cardFile = folder.resolve(CARD);
    if (!Files.isRegularFile(cardFile)) {
      throw CatalogErrors.notAModelPackage(folder, "it has no " + CARD);
    }
    try {
      ModelCard card = Json.mapper().readValue(cardFile.toFile(), ModelCard.class);
      if (!READABLE.contains(card.format())) {
        throw card.format() != null && card.format().startsWith(FORMAT_PREFIX)
            ? CatalogErrors.modelFormatUnsupported(folder, card.format(), FORMAT + "' and '" + BLENDED_FORMAT)
            : CatalogErrors.notAModelPackage(folder, "its format is '" + card.format() + "', this catalog-ml reads '"
                + FORMAT + "' and '" + BLENDED_FORMAT + "'");
      }
      if (!TYPES.contains(card.type())) {
        throw CatalogErrors.notAModelPackage(folder, "its type is '" + card.type() + "', this catalog-ml reads "
            + TYPES);
      }
      List<String> labels = Json.mapper().readValue(folder.resolve(LABELS).toFile(), new TypeReference<>() {});
      InputSpec spec = Json.mapper().readValue(folder.resolve(SPEC).toFile(), InputSpec.class);
      Blend blend = null;
      if (BLENDED_FORMAT.equals(card.format())) {
        if (!"dl4j".equals(card.type()) || !Files.isRegularFile(folder.resolve(BLEND))
            || !Files.isDirectory(folder.resolve(MLLIB))) {
          throw CatalogErrors.notAModelPackage(folder, "it is a blended package (format " + BLENDED_FORMAT
              + ") but not a dl4j one with " + BLEND + " and " + MLLIB + "/");
        }
        blend = Json.mapper().readValue(folder.resolve(BLEND).toFile(), Blend.class);
        if (!Blend.GEOMETRIC.equals(blend.rule()) || !(blend.baselineWeight() >= 0 && blend.baselineWeight() <= 1)) {
          throw CatalogErrors.notAModelPackage(folder, "its " + BLEND + " asks for rule '" + blend.rule()
              + "' at baseline weight " + blend.baselineWeight() + "; this catalog-ml blends by '" + Blend.GEOMETRIC
              + "' with a weight in [0, 1]");
        }
      }
      return new ModelPackage(folder, card, new LabelMap(labels), spec, blend);
    } catch (IOException e) {
      throw CatalogErrors.notAModelPackage(folder, e.getMessage());
    }
  }

  /** The model as a classifier on this Spark session. */
  public Classifier classifier(SparkSession spark) {
    return classifier(spark, Dl4jClassifier.DEFAULT_BATCH);
  }

  /** The model as a classifier that infers {@code batchSize} rows at a time (DL4J). */
  public Classifier classifier(SparkSession spark, int batchSize) {
    if ("mllib-logreg".equals(card.type())) {
      return LogRegClassifier.load(folder.resolve(MLLIB).toUri().toString(), labels, spec.vocabularySize());
    }
    Dl4jClassifier network = new Dl4jClassifier(spark, network(), spec, labels, batchSize);
    if (blend == null) {
      return network;
    }
    LogRegClassifier baseline = LogRegClassifier.load(folder.resolve(MLLIB).toUri().toString(), labels,
        textPipeline().size());
    return new BlendedClassifier(network, baseline, blend.baselineWeight());
  }

  /** How the network is blended with the baseline, or null for a package of one model. */
  public Blend blend() {
    return blend;
  }

  /** The DL4J network of a dl4j package. */
  public ComputationGraph network() {
    Dl4jRuntime.configure();
    try {
      return ModelSerializer.restoreComputationGraph(folder.resolve(NETWORK).toFile(), false);
    } catch (IOException e) {
      throw CatalogErrors.notAModelPackage(folder, "its network cannot be read: " + e.getMessage());
    }
  }

  /** The text pipeline the model's token ids come from. */
  public TextPipeline textPipeline() {
    try (InputStream in = Files.newInputStream(folder.resolve(TEXT_PIPELINE))) {
      return TextPipeline.fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw CatalogErrors.notAModelPackage(folder, "its text pipeline cannot be read: " + e.getMessage());
    }
  }

  public Path folder() {
    return folder;
  }

  public ModelCard card() {
    return card;
  }

  public LabelMap labels() {
    return labels;
  }

  public InputSpec spec() {
    return spec;
  }
}
