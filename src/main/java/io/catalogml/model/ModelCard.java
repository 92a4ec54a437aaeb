package io.catalogml.model;

import java.util.Map;

/**
 * What made a model, written beside it: enough to reproduce it and to trace every prediction
 * back to its inputs (configuration, seed, input table versions, library versions) and what it
 * scored.
 *
 * @param format package format, {@value ModelPackage#FORMAT}, or {@value ModelPackage#BLENDED_FORMAT} when blended
 * @param name registered model name
 * @param type {@code dl4j} or {@code mllib-logreg}
 * @param mode inputs of a DL4J network ({@code text}, {@code image}, {@code fusion}); {@code text} for the baseline
 * @param trainRunId id of the catalog-ml train run
 * @param trackingRunId id of the tracker's run, when there was one
 * @param createdAt ISO-8601 time the package was written
 * @param seed training seed
 * @param config the flattened effective configuration
 * @param inputs input tables and artifacts: table names to Delta versions, text pipeline id, image spec
 * @param libraries library versions on the classpath
 * @param training how training went: examples, classes, epochs run, best epoch, master, seconds
 * @param metrics validation and test metrics of the packaged model
 */
public record ModelCard(String format, String name, String type, String mode, String trainRunId,
    String trackingRunId, String createdAt, long seed, Map<String, String> config, Map<String, Object> inputs,
    Map<String, String> libraries, Map<String, Object> training, Map<String, Map<String, Double>> metrics) {

  /** This card with another package format. */
  public ModelCard withFormat(String newFormat) {
    return new ModelCard(newFormat, name, type, mode, trainRunId, trackingRunId, createdAt, seed, config, inputs,
        libraries, training, metrics);
  }

  /** A short Markdown rendering for people browsing the artifacts. */
  public String toMarkdown() {
    StringBuilder md = new StringBuilder();
    md.append("# Model card: ").append(name).append("\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| type | ").append(type).append(" (").append(mode).append(") |\n");
    md.append("| train run | ").append(trainRunId).append(" |\n");
    md.append("| tracking run | ").append(trackingRunId == null ? "" : trackingRunId).append(" |\n");
    md.append("| created | ").append(createdAt).append(" |\n");
    md.append("| seed | ").append(seed).append(" |\n");
    inputs.forEach((k, v) -> md.append("| input ").append(k).append(" | ").append(v).append(" |\n"));
    training.forEach((k, v) -> md.append("| training ").append(k).append(" | ").append(v).append(" |\n"));
    libraries.forEach((k, v) -> md.append("| ").append(k).append(" | ").append(v).append(" |\n"));
    md.append("\n## Metrics\n\n| split | metric | value |\n|---|---|---:|\n");
    metrics.forEach((split, values) -> values.forEach((k, v) ->
        md.append("| ").append(split).append(" | ").append(k).append(" | ")
            .append(String.format(java.util.Locale.ROOT, "%.4f", v)).append(" |\n")));
    return md.toString();
  }
}
