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
 * network.zip                      the DL4J ComputationGraph (type dl4j), or
 * mllib/                           the Spark ML pipeline (type mllib-logreg)
 * monitor-reference.json           what monitoring compares each night with (io.catalogml.monitor)
 * </pre>
 */
public final class ModelPackage {
  /** Format tag in every model card. */
  public static final String FORMAT = "catalog-ml/model/1";
  private static final String FORMAT_PREFIX = "catalog-ml/model/";
  private static final java.util.Set<String> TYPES = java.util.Set.of("dl4j", "mllib-logreg");
  static final String CARD = "model-card.json";
  static final String CARD_MD = "model-card.md";
  static final String LABELS = "labels.json";
  static final String SPEC = "input-spec.json";
  static final String TEXT_PIPELINE = "text-pipeline.json";
  static final String NETWORK = "network.zip";
  static final String MLLIB = "mllib";

  private final Path folder;
  private final ModelCard card;
  private final LabelMap labels;
  private final InputSpec spec;

  private ModelPackage(Path folder, ModelCard card, LabelMap labels, InputSpec spec) {
    this.folder = folder;
    this.card = card;
    this.labels = labels;
    this.spec = spec;
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
    return new ModelPackage(folder, card, labels, spec);
  }

  /** Writes an MLlib baseline package. */
  public static ModelPackage writeLogReg(Path folder, LogRegClassifier model, ModelCard card, LabelMap labels,
      InputSpec spec, TextPipeline text) {
    writeCommon(folder, card, labels, spec, text);
    model.save(folder.resolve(MLLIB).toUri().toString());
    return new ModelPackage(folder, card, labels, spec);
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
      if (!FORMAT.equals(card.format())) {
        throw card.format() != null && card.format().startsWith(FORMAT_PREFIX)
            ? CatalogErrors.modelFormatUnsupported(folder, card.format(), FORMAT)
            : CatalogErrors.notAModelPackage(folder, "its format is '" + card.format() + "', this catalog-ml reads '"
                + FORMAT + "'");
      }
      if (!TYPES.contains(card.type())) {
        throw CatalogErrors.notAModelPackage(folder, "its type is '" + card.type() + "', this catalog-ml reads "
            + TYPES);
      }
      List<String> labels = Json.mapper().readValue(folder.resolve(LABELS).toFile(), new TypeReference<>() {});
      InputSpec spec = Json.mapper().readValue(folder.resolve(SPEC).toFile(), InputSpec.class);
      return new ModelPackage(folder, card, new LabelMap(labels), spec);
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
    return new Dl4jClassifier(spark, network(), spec, labels, batchSize);
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
