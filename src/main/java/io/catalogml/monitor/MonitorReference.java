package io.catalogml.monitor;

import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Json;
import io.catalogml.evaluate.ClassificationReport;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What the monitor compares a night with, written beside the model at training ({@value #FILE} in
 * the package): the model on the catalogue it was trained on, that is every labelled product of
 * silver at the training version, measured as a night is measured (its predicted class mix,
 * confidence, agreement with the labels, and inputs), so that a night of the same catalogue matches
 * it and only a change shows. The training split's label mix and the validation split's accuracy
 * are kept beside it for the report. A package made before monitoring existed has none.
 *
 * @param format {@value #FORMAT}
 * @param products labelled products the model was applied to at training
 * @param predicted products per predicted class among them
 * @param agreement share of them predicted as labelled (the model's accuracy on its own catalogue)
 * @param meanConfidence their mean top probability
 * @param confidenceHistogram them by top probability ({@link ClassificationReport#confidenceBin})
 * @param inputs their inputs as the model reads them
 * @param textPathShare share of them a prediction makes without the image: 1 for a model that reads no
 *     image, 0 for an image-only one, the share without a usable image for fusion
 * @param trainLabels products per label in the training split
 * @param validationExamples products in the validation split
 * @param validationAccuracy the model's accuracy on it
 * @param featuresVersion version of silver.features the model was trained on
 */
public record MonitorReference(String format, long products, Map<String, Long> predicted, double agreement,
    double meanConfidence, long[] confidenceHistogram, InputProfile inputs, double textPathShare,
    Map<String, Long> trainLabels, long validationExamples, double validationAccuracy, long featuresVersion) {

  /** File name in the model package. */
  public static final String FILE = "monitor-reference.json";
  /** Format tag. */
  public static final String FORMAT = "catalog-ml/monitor-reference/2";

  /**
   * The reference of a model whose report on its whole labelled catalogue is {@code catalogue}.
   *
   * @param inputs the catalogue's inputs ({@link InputProfile#measure})
   */
  public static MonitorReference of(ClassificationReport catalogue, InputProfile inputs, double textPathShare,
      Map<String, Long> trainLabels, ClassificationReport validation, long featuresVersion) {
    Map<String, Long> predicted = new TreeMap<>();
    catalogue.perClass().forEach(c -> {
      if (c.predicted() > 0) {
        predicted.put(c.label(), c.predicted());
      }
    });
    return new MonitorReference(FORMAT, catalogue.examples(), predicted, catalogue.accuracy(),
        catalogue.meanConfidence(), catalogue.confidenceHistogram(), inputs, textPathShare,
        new TreeMap<>(trainLabels), validation.examples(), validation.accuracy(), featuresVersion);
  }

  /** Share of the reference products under {@code threshold}, from the histogram (exact at multiples of 0.05). */
  public double shareUnder(double threshold) {
    long under = 0;
    long total = 0;
    for (int b = 0; b < confidenceHistogram.length; b++) {
      total += confidenceHistogram[b];
      if ((b + 1) / (double) ClassificationReport.CONFIDENCE_BINS <= threshold + 1e-12) {
        under += confidenceHistogram[b];
      }
    }
    return total == 0 ? 0 : (double) under / total;
  }

  /** Writes {@value #FILE} into a package folder. */
  public void write(Path packageFolder) {
    Path file = packageFolder.resolve(FILE);
    try {
      Files.writeString(file, Json.pretty(this));
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(file, e);
    }
  }

  /** The reference in a package folder; empty when the package has none (made before monitoring). */
  public static Optional<MonitorReference> read(Path packageFolder) {
    Path file = packageFolder.resolve(FILE);
    if (!Files.isRegularFile(file)) {
      return Optional.empty();
    }
    try {
      String format = Json.mapper().readTree(file.toFile()).path("format").asText();
      if (!FORMAT.equals(format)) {
        throw CatalogErrors.notAModelPackage(packageFolder, "its " + FILE + " has format '" + format
            + "', this catalog-ml reads '" + FORMAT + "'");
      }
      return Optional.of(Json.mapper().readValue(file.toFile(), MonitorReference.class));
    } catch (IOException e) {
      throw CatalogErrors.notAModelPackage(packageFolder, "its " + FILE + " cannot be read: " + e.getMessage());
    }
  }
}
