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
 * What the monitor compares a night with, written beside the model at training
 * ({@value #FILE} in the package): the training split's label mix and inputs, and the validation
 * split's accuracy and confidence. A package made before monitoring existed has none.
 *
 * @param format {@value #FORMAT}
 * @param trainLabels products per label in the training split
 * @param trainInputs the training split's inputs as the model reads them
 * @param textPathShare share of the training split a prediction would make without the image: 1 for
 *     a model that reads no image, 0 for an image-only one, the share without a usable image for fusion
 * @param validationExamples products in the validation split
 * @param validationAccuracy the model's accuracy on it
 * @param validationMeanConfidence mean top probability on it
 * @param validationConfidenceHistogram its products by top probability ({@link ClassificationReport#confidenceBin})
 * @param featuresVersion version of silver.features the model was trained on
 */
public record MonitorReference(String format, Map<String, Long> trainLabels, InputProfile trainInputs,
    double textPathShare, long validationExamples, double validationAccuracy, double validationMeanConfidence,
    long[] validationConfidenceHistogram, long featuresVersion) {

  /** File name in the model package. */
  public static final String FILE = "monitor-reference.json";
  /** Format tag. */
  public static final String FORMAT = "catalog-ml/monitor-reference/1";

  /** The reference of a model trained on {@code trainLabels} and validated as {@code validation} says. */
  public static MonitorReference of(Map<String, Long> trainLabels, InputProfile trainInputs, double textPathShare,
      ClassificationReport validation, long featuresVersion) {
    return new MonitorReference(FORMAT, new TreeMap<>(trainLabels), trainInputs, textPathShare, validation.examples(),
        validation.accuracy(), validation.meanConfidence(), validation.confidenceHistogram(), featuresVersion);
  }

  /** Share of the validation split under {@code threshold}, from the histogram (exact at multiples of 0.05). */
  public double validationShareUnder(double threshold) {
    long under = 0;
    long total = 0;
    for (int b = 0; b < validationConfidenceHistogram.length; b++) {
      total += validationConfidenceHistogram[b];
      if ((b + 1) / (double) ClassificationReport.CONFIDENCE_BINS <= threshold + 1e-12) {
        under += validationConfidenceHistogram[b];
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
      MonitorReference r = Json.mapper().readValue(file.toFile(), MonitorReference.class);
      if (!FORMAT.equals(r.format())) {
        throw CatalogErrors.notAModelPackage(packageFolder, "its " + FILE + " has format '" + r.format()
            + "', this catalog-ml reads '" + FORMAT + "'");
      }
      return Optional.of(r);
    } catch (IOException e) {
      throw CatalogErrors.notAModelPackage(packageFolder, "its " + FILE + " cannot be read: " + e.getMessage());
    }
  }
}
