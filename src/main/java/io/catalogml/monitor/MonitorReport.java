package io.catalogml.monitor;

import io.catalogml.core.CatalogErrors;
import io.catalogml.evaluate.MonitorPlot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Row;

/**
 * The night's report a person reads in the morning: {@value #MARKDOWN} (the verdict, every check
 * with its reference and threshold, the classes that moved most, the last nights) and
 * {@value #PICTURE} ({@link MonitorPlot}).
 */
public final class MonitorReport {
  /** The Markdown file. */
  public static final String MARKDOWN = "monitor-report.md";
  /** The picture. */
  public static final String PICTURE = "monitor-report.png";
  /** Classes in the class-mix table and picture. */
  static final int CLASSES = 15;
  /** Metrics drawn in the history panel. */
  static final List<String> HISTORY = List.of(MonitorStage.JS_DISTANCE, MonitorStage.PSI,
      MonitorStage.LOW_CONFIDENCE_SHARE, MonitorStage.UNKNOWN_WORD_SHARE, MonitorStage.IMAGE_FAILURE_SHARE,
      MonitorStage.TEXT_PATH_SHARE);

  private MonitorReport() {}

  static void write(Path folder, LocalDate night, String status, List<Check> checks,
      List<MonitorStage.ClassRow> classes, MonitorReference reference, long[] tonightHistogram, List<Row> history,
      String model) {
    List<MonitorStage.ClassRow> moved = new ArrayList<>(classes);
    moved.sort(Comparator.comparingDouble((MonitorStage.ClassRow c) -> -Math.abs(c.predictedShare()
        - c.referenceShare())).thenComparing(MonitorStage.ClassRow::label));
    moved = moved.subList(0, Math.min(CLASSES, moved.size()));
    List<MonitorPlot.NightPoint> points = new ArrayList<>();
    for (Row r : history) {
      Map<String, Double> values = new LinkedHashMap<>();
      for (String m : HISTORY) {
        Object v = r.getAs(m);
        values.put(m, v == null ? null : ((Number) v).doubleValue());
      }
      points.add(new MonitorPlot.NightPoint(r.getAs("night").toString(), values));
    }
    try {
      Files.createDirectories(folder);
      MonitorPlot.write(folder.resolve(PICTURE), "Monitor " + night + ": " + status + " (" + model + ")",
          moved.stream().map(c -> new MonitorPlot.ClassShare(c.label(), c.referenceShare(), c.predictedShare()))
              .toList(), reference.confidenceHistogram(), tonightHistogram, points, HISTORY);
      Files.writeString(folder.resolve(MARKDOWN), markdown(night, status, checks, moved, history, model));
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(folder, e);
    }
  }

  static String markdown(LocalDate night, String status, List<Check> checks, List<MonitorStage.ClassRow> moved,
      List<Row> history, String model) {
    StringBuilder md = new StringBuilder();
    md.append("# Monitor ").append(night).append(": ").append(status).append("\n\n");
    md.append("Model ").append(model).append(". Reference: the model on the labelled catalogue it was trained on "
        + "(its predicted class mix, confidence, agreement and inputs), measured as tonight is.\n\n");
    md.append("![monitor](").append(PICTURE).append(")\n\n");
    md.append("| metric | tonight | reference | threshold | rule | breached |\n|---|---:|---:|---:|---|---|\n");
    for (Check c : checks) {
      md.append("| ").append(c.metric()).append(" | ").append(num(c.value())).append(" | ").append(num(c.reference()))
          .append(" | ").append(num(c.threshold())).append(" | ").append(c.rule().name().toLowerCase(Locale.ROOT))
          .append(" | ").append(c.breached() ? "**yes**" : "no").append(" |\n");
    }
    md.append("\n## Classes that moved most\n\n| class | share at training | share tonight | predicted | "
        + "training labels share | labelled | agreement |\n|---|---:|---:|---:|---:|---:|---:|\n");
    for (MonitorStage.ClassRow c : moved) {
      md.append("| ").append(c.label()).append(" | ").append(num(c.referenceShare())).append(" | ")
          .append(num(c.predictedShare())).append(" | ").append(c.predicted()).append(" | ")
          .append(num(c.trainingShare())).append(" | ").append(c.labelled())
          .append(" | ").append(num(c.agreement())).append(" |\n");
    }
    md.append("\n## Last nights\n\n| night | status | breaches |");
    HISTORY.forEach(m -> md.append(' ').append(m).append(" |"));
    md.append("\n|---|---|---|");
    HISTORY.forEach(m -> md.append("---:|"));
    md.append('\n');
    for (Row r : history) {
      md.append("| ").append(r.getAs("night").toString()).append(" | ").append((String) r.getAs("status"))
          .append(" | ").append(String.join(", ", r.<String>getList(r.fieldIndex("breaches")))).append(" |");
      for (String m : HISTORY) {
        Object v = r.getAs(m);
        md.append(' ').append(num(v == null ? null : ((Number) v).doubleValue())).append(" |");
      }
      md.append('\n');
    }
    return md.toString();
  }

  private static String num(Double v) {
    return v == null ? "" : String.format(Locale.ROOT, "%.4f", v);
  }
}
