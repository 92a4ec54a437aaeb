package io.catalogml.evaluate;

import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/** The Markdown rendering of a {@link ClassificationReport}. */
final class ReportMarkdown {
  private ReportMarkdown() {}

  static String render(ClassificationReport r) {
    long present = r.perClass().stream().filter(c -> c.support() > 0).count();
    StringBuilder md = new StringBuilder();
    md.append("| metric | value |\n|---|---:|\n");
    row(md, "examples", Long.toString(r.examples()));
    row(md, "classes (with support)", r.classes() + " (" + present + ")");
    row(md, "accuracy", num(r.accuracy()));
    row(md, "top-3 accuracy", num(r.top3Accuracy()));
    row(md, "top-5 accuracy", num(r.top5Accuracy()));
    row(md, "log loss", num(r.logLoss()));
    row(md, "weighted precision", num(r.weightedPrecision()));
    row(md, "weighted recall", num(r.weightedRecall()));
    row(md, "weighted F1", num(r.weightedF1()));
    row(md, "macro precision", num(r.macroPrecision()));
    row(md, "macro recall", num(r.macroRecall()));
    row(md, "macro F1", num(r.macroF1()));

    md.append("\n| class | index | precision | recall | F1 | support | predicted |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (ClassMetrics c : bySupport(r.perClass())) {
      md.append("| ").append(escape(c.label())).append(" | ").append(c.index())
          .append(" | ").append(num(c.precision()))
          .append(" | ").append(num(c.recall()))
          .append(" | ").append(num(c.f1()))
          .append(" | ").append(c.support())
          .append(" | ").append(c.predicted()).append(" |\n");
    }
    return md.toString();
  }

  static List<ClassMetrics> bySupport(List<ClassMetrics> classes) {
    return classes.stream()
        .sorted(Comparator.comparingLong(ClassMetrics::support).reversed()
            .thenComparingInt(ClassMetrics::index))
        .toList();
  }

  private static void row(StringBuilder md, String name, String value) {
    md.append("| ").append(name).append(" | ").append(value).append(" |\n");
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String escape(String label) {
    return label.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ");
  }
}
