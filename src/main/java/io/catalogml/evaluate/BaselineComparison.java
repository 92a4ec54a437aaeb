package io.catalogml.evaluate;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * A model's test report beside the baseline's on the same products, as Markdown: the headline
 * numbers of both, the classes the model gets most wrong (most errors: its products predicted as
 * another class plus other products predicted as it, then lowest F1) with the baseline's beside, and the classes where the two differ most either way. Both reports
 * must have the same classes in the same order (one label map). The same comparison serves any two
 * reports on the same products ({@link Names}), such as a fusion model with and without its photos.
 */
public final class BaselineComparison {
  private BaselineComparison() {}

  /**
   * What a comparison calls its two sides.
   *
   * @param model the first report's column in the headline table, e.g. {@code dl4j fusion}
   * @param other the second report's column there, e.g. {@code mllib-logreg baseline}
   * @param modelShort the first report in the class tables' headers, e.g. {@code model}
   * @param otherShort the second report there, e.g. {@code baseline}
   * @param behind title of the classes where the first scores lower
   * @param ahead title of the classes where the first scores higher
   */
  public record Names(String model, String other, String modelShort, String otherShort, String behind, String ahead) {
    /** A model against the mllib-logreg baseline. */
    public static Names baseline(String model) {
      return new Names(model, "mllib-logreg baseline", "model", "baseline", "Where the model is most behind the baseline",
          "Where the model is most ahead of the baseline");
    }
  }

  /**
   * Renders the comparison.
   *
   * @param model name of the model, e.g. {@code dl4j fusion}
   * @param report the model's report
   * @param baseline the baseline's report on the same products
   * @param rows classes per table
   */
  public static String render(String model, ClassificationReport report, ClassificationReport baseline, int rows) {
    return render(Names.baseline(model), report, baseline, rows);
  }

  /** The comparison of {@code report} with {@code baseline}, any two reports on the same products, named by {@code names}. */
  public static String render(Names names, ClassificationReport report, ClassificationReport baseline, int rows) {
    if (!report.labels().equals(baseline.labels()) || report.examples() != baseline.examples()) {
      throw new IllegalArgumentException("the reports are not of the same classes and products");
    }
    StringBuilder md = new StringBuilder();
    md.append("| metric | ").append(names.model()).append(" | ").append(names.other())
        .append(" | difference |\n|---|---:|---:|---:|\n");
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
    table(md, names, "Classes the model gets most wrong", present.stream().sorted(worst).limit(rows).toList(), mine,
        theirs);
    Comparator<Integer> gain = Comparator.<Integer>comparingDouble(i -> mine.get(i).f1() - theirs.get(i).f1())
        .thenComparing(Comparator.<Integer>comparingLong(i -> mine.get(i).support()).reversed());
    table(md, names, names.behind(),
        present.stream().filter(i -> mine.get(i).f1() < theirs.get(i).f1()).sorted(gain).limit(rows).toList(),
        mine, theirs);
    table(md, names, names.ahead(),
        present.stream().filter(i -> mine.get(i).f1() > theirs.get(i).f1()).sorted(gain.reversed()).limit(rows)
            .toList(), mine, theirs);
    return md.toString();
  }

  /** Writes {@code versus-baseline.md} into {@code folder}: a title, then {@link #render}. */
  public static java.nio.file.Path write(java.nio.file.Path folder, String title, String model,
      ClassificationReport report, ClassificationReport baseline, int rows) {
    return write(folder.resolve("versus-baseline.md"), title, Names.baseline(model), report, baseline, rows);
  }

  /** Writes {@code file}: a title, then {@link #render(Names, ClassificationReport, ClassificationReport, int)}. */
  public static java.nio.file.Path write(java.nio.file.Path file, String title, Names names,
      ClassificationReport report, ClassificationReport other, int rows) {
    ClassificationReport.writeText(file, "# " + title + "\n\n" + render(names, report, other, rows));
    return file;
  }

  private static void headline(StringBuilder md, String name, double model, double baseline) {
    md.append("| ").append(name).append(" | ").append(num(model)).append(" | ").append(num(baseline)).append(" | ")
        .append(signed(model - baseline)).append(" |\n");
  }

  private static void table(StringBuilder md, Names names, String title, List<Integer> classes,
      List<ClassMetrics> mine, List<ClassMetrics> theirs) {
    md.append("\n### ").append(title).append("\n\n");
    if (classes.isEmpty()) {
      md.append("None.\n");
      return;
    }
    md.append("| class | support | ").append(names.modelShort()).append(" errors | ").append(names.otherShort())
        .append(" errors | ").append(names.modelShort()).append(" F1 | ").append(names.otherShort())
        .append(" F1 | difference |\n");
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
