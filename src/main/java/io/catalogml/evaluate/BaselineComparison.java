package io.catalogml.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A model's test report beside the baseline's on the same products, as Markdown: the headline
 * numbers of both, the classes the model gets most wrong (most errors: its products predicted as
 * another class plus other products predicted as it, then lowest F1) with the baseline's beside, and the classes where the two differ most either way. Both reports
 * must have the same classes in the same order (one label map).
 */
public final class BaselineComparison {
  private BaselineComparison() {}

  /**
   * Renders the comparison.
   *
   * @param model name of the model, e.g. {@code dl4j fusion}
   * @param report the model's report
   * @param baseline the baseline's report on the same products
   * @param rows classes per table
   */
  public static String render(String model, ClassificationReport report, ClassificationReport baseline, int rows) {
    if (!report.labels().equals(baseline.labels()) || report.examples() != baseline.examples()) {
      throw new IllegalArgumentException("the reports are not of the same classes and products");
    }
    StringBuilder md = new StringBuilder();
    md.append("| metric | ").append(model).append(" | mllib-logreg baseline | difference |\n|---|---:|---:|---:|\n");
    headline(md, "accuracy", report.accuracy(), baseline.accuracy());
    headline(md, "weighted F1", report.weightedF1(), baseline.weightedF1());
    headline(md, "macro F1", report.macroF1(), baseline.macroF1());
    headline(md, "top-5 accuracy", report.top5Accuracy(), baseline.top5Accuracy());

    List<Integer> present = new ArrayList<>();
    for (ClassMetrics c : report.perClass()) {
      if (c.support() > 0) {
        present.add(c.index());
      }
    }
    List<ClassMetrics> mine = report.perClass();
    List<ClassMetrics> theirs = baseline.perClass();
    Comparator<Integer> worst = Comparator.<Integer>comparingLong(i -> errors(mine.get(i))).reversed()
        .thenComparingDouble(i -> mine.get(i).f1());
    table(md, "Classes the model gets most wrong", present.stream().sorted(worst).limit(rows).toList(), mine, theirs);
    Comparator<Integer> gain = Comparator.<Integer>comparingDouble(i -> mine.get(i).f1() - theirs.get(i).f1())
        .thenComparing(Comparator.<Integer>comparingLong(i -> mine.get(i).support()).reversed());
    table(md, "Where the model is most behind the baseline",
        present.stream().filter(i -> mine.get(i).f1() < theirs.get(i).f1()).sorted(gain).limit(rows).toList(),
        mine, theirs);
    table(md, "Where the model is most ahead of the baseline",
        present.stream().filter(i -> mine.get(i).f1() > theirs.get(i).f1()).sorted(gain.reversed()).limit(rows)
            .toList(), mine, theirs);
    return md.toString();
  }

  /** Writes {@code versus-baseline.md} into {@code folder}: a title, then {@link #render}. */
  public static java.nio.file.Path write(java.nio.file.Path folder, String title, String model,
      ClassificationReport report, ClassificationReport baseline, int rows) {
    java.nio.file.Path file = folder.resolve("versus-baseline.md");
    ClassificationReport.writeText(file, "# " + title + "\n\n" + render(model, report, baseline, rows));
    return file;
  }

  private static void headline(StringBuilder md, String name, double model, double baseline) {
    md.append("| ").append(name).append(" | ").append(num(model)).append(" | ").append(num(baseline)).append(" | ")
        .append(signed(model - baseline)).append(" |\n");
  }

  private static void table(StringBuilder md, String title, List<Integer> classes, List<ClassMetrics> mine,
      List<ClassMetrics> theirs) {
    md.append("\n### ").append(title).append("\n\n");
    if (classes.isEmpty()) {
      md.append("None.\n");
      return;
    }
    md.append("| class | support | model errors | baseline errors | model F1 | baseline F1 | difference |\n");
    md.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (int i : classes) {
      ClassMetrics m = mine.get(i);
      ClassMetrics b = theirs.get(i);
      md.append("| ").append(m.label().replace("|", "\\|")).append(" | ").append(m.support()).append(" | ")
          .append(errors(m)).append(" | ").append(errors(b)).append(" | ")
          .append(num(m.f1())).append(" | ").append(num(b.f1())).append(" | ").append(signed(m.f1() - b.f1()))
          .append(" |\n");
    }
  }

  /** Products of the class predicted as another, plus products of other classes predicted as it. */
  static long errors(ClassMetrics c) {
    long correct = Math.round(c.recall() * c.support());
    return (c.support() - correct) + (c.predicted() - correct);
  }

  private static String num(double v) {
    return String.format(Locale.ROOT, "%.3f", v);
  }

  private static String signed(double v) {
    return String.format(Locale.ROOT, "%+.3f", v);
  }
}
