package io.catalogml.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

/** The network's test report beside the baseline's: headline numbers and the classes that differ. */
class BaselineComparisonTest {
  static final List<String> LABELS = List.of("Shirts", "Tshirts", "Watches", "Socks");

  static float[] sure(int k) {
    float[] p = new float[4];
    p[k] = 1f;
    return p;
  }

  /** Predicted class of each of 8 products: truth is 0 0 0 1 1 1 2 3. */
  static ClassificationReport report(int... predicted) {
    int[] truth = {0, 0, 0, 1, 1, 1, 2, 3};
    float[][] p = new float[truth.length][];
    for (int i = 0; i < truth.length; i++) {
      p[i] = sure(predicted[i]);
    }
    return ClassificationReport.of(LABELS, truth, p);
  }

  @Test
  void listsTheWorstClassesAndWhereTheModelIsBehindOrAheadOfTheBaseline() {
    // The model confuses Shirts with Tshirts and never gets Socks; the baseline misses Watches.
    ClassificationReport model = report(1, 1, 0, 1, 1, 1, 2, 1);
    ClassificationReport baseline = report(0, 0, 0, 1, 1, 1, 3, 3);
    String md = BaselineComparison.render("dl4j fusion", model, baseline, 2);
    assertThat(md).contains("| metric | dl4j fusion | mllib-logreg baseline | difference |")
        .contains("| accuracy | 0.625 | 0.875 | -0.250 |");
    // Errors: Shirts 2 (two read as Tshirts), Tshirts 3 (three others read as it), Socks 1, Watches 0.
    String worst = section(md, "### Classes the model gets most wrong");
    assertThat(worst.lines().filter(l -> l.startsWith("| ")).skip(1).toList()).containsExactly(
        "| Tshirts | 3 | 3 | 0 | 0.667 | 1.000 | -0.333 |",
        "| Shirts | 3 | 2 | 0 | 0.500 | 1.000 | -0.500 |");
    String behind = section(md, "### Where the model is most behind the baseline");
    assertThat(behind).contains("| Socks | 1 | 1 | 1 | 0.000 | 0.667 | -0.667 |").doesNotContain("Watches");
    String ahead = section(md, "### Where the model is most ahead of the baseline");
    assertThat(ahead).contains("| Watches | 1 | 0 | 1 | 1.000 | 0.000 | +1.000 |").doesNotContain("Socks");
  }

  @Test
  void refusesReportsOfOtherProductsOrClasses() {
    ClassificationReport model = report(0, 0, 0, 1, 1, 1, 2, 3);
    ClassificationReport fewer = ClassificationReport.of(LABELS, new int[] {0}, new float[][] {sure(0)});
    assertThatThrownBy(() -> BaselineComparison.render("m", model, fewer, 5))
        .isInstanceOf(IllegalArgumentException.class);
  }

  private static String section(String md, String title) {
    int start = md.indexOf(title);
    int end = md.indexOf("\n### ", start + title.length());
    return end < 0 ? md.substring(start) : md.substring(start, end);
  }
}
