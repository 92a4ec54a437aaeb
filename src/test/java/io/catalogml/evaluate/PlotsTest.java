package io.catalogml.evaluate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/**
 * The PNGs, decoded again: sizes, cell sizes, colours of known cells, learning curves of 1 and
 * 50 epochs. Images are kept in {@code target/evaluate-plots} for a look.
 */
class PlotsTest {
  static final Path OUT = Path.of("target", "evaluate-plots");
  static final int WHITE = Color.WHITE.getRGB();

  static ClassificationReport noisy(int classes, int rows, long seed) {
    Random random = new Random(seed);
    EvaluationAccumulator acc = new EvaluationAccumulator(classes);
    for (int i = 0; i < rows; i++) {
      int truth = RandomPredictions.truth(random, classes);
      acc.add(truth, RandomPredictions.probabilities(random, classes, truth, 0.7));
    }
    return acc.build(labels(classes));
  }

  static ClassificationReport perfect(int classes) {
    EvaluationAccumulator acc = new EvaluationAccumulator(classes);
    for (int c = 0; c < classes; c++) {
      float[] p = new float[classes];
      p[c] = 1f;
      for (int i = 0; i <= c % 3; i++) {
        acc.add(c, p);
      }
    }
    return acc.build(labels(classes));
  }

  /** Labels of catalogue-like lengths, some long. */
  static List<String> labels(int classes) {
    String[] words = {"Tshirts", "Casual Shoes", "Handbags", "Watches", "Sports Shoes", "Kurtas", "Sunglasses",
        "Lounge Pants and Trousers", "Free Gifts", "Nail Polish", "Laptop Bag", "Waist Pouch", "Headband",
        "Bath Robe with an exceptionally long name"};
    List<String> labels = new ArrayList<>();
    for (int c = 0; c < classes; c++) {
      labels.add(words[c % words.length] + (c >= words.length ? " " + c : ""));
    }
    return labels;
  }

  static BufferedImage confusion(ClassificationReport report, String name) throws IOException {
    Path png = ConfusionMatrixPlot.write(report, OUT.resolve(name + ".png"), "articleType, validation (" + name + ")");
    return ImageIO.read(png.toFile());
  }

  @Test
  void confusionMatrixGrowsWithClassCount() throws IOException {
    BufferedImage five = confusion(noisy(5, 300, 1), "confusion-5");
    BufferedImage forty = confusion(noisy(40, 3000, 2), "confusion-40");
    BufferedImage many = confusion(noisy(140, 20000, 3), "confusion-140");
    assertThat(forty.getWidth()).isGreaterThan(five.getWidth());
    assertThat(forty.getHeight()).isGreaterThan(five.getHeight());
    assertThat(many.getWidth()).isGreaterThan(forty.getWidth()).isLessThan(2400);
    assertThat(many.getHeight()).isGreaterThan(forty.getHeight()).isLessThan(2400);
    // where the cell loses a pixel the side steps back; 12 more classes always make up for it
    for (int n = 1; n + 12 <= ConfusionMatrixPlot.MAX_CLASSES; n++) {
      assertThat(n * ConfusionMatrixPlot.cellSize(n)).as("matrix side at %d classes", n)
          .isLessThan((n + 12) * ConfusionMatrixPlot.cellSize(n + 12));
    }
  }

  @Test
  void perfectClassifierOf140ClassesHasDarkestDiagonalAndWhiteElsewhere() throws IOException {
    ClassificationReport report = perfect(140);
    BufferedImage image = confusion(report, "confusion-140-perfect");
    ConfusionMatrixPlot.Layout layout = ConfusionMatrixPlot.layout(report, "articleType, validation (confusion-140-perfect)");
    assertThat(image.getWidth()).isEqualTo(layout.width()).isLessThan(2400);
    assertThat(image.getHeight()).isEqualTo(layout.height()).isLessThan(2400);
    int darkest = ConfusionMatrixPlot.colour(1.0).getRGB();

    int cell = layout.cell();
    assertThat(cell).isGreaterThanOrEqualTo(12);
    for (int i = 0; i < 140; i++) {
      assertThat(centre(image, layout, i, i)).as("diagonal cell %d", i).isEqualTo(darkest);
      assertThat(centre(image, layout, i, (i + 1) % 140)).as("cell right of %d", i).isEqualTo(WHITE);
      assertThat(centre(image, layout, (i + 7) % 140, i)).as("cell below %d", i).isEqualTo(WHITE);
    }
    // the cell size measured in pixels: where the dark fill starts in successive diagonal cells
    int first = firstDarkest(image, layout, 0, darkest);
    int second = firstDarkest(image, layout, 1, darkest);
    assertThat(second - first).isEqualTo(cell).isGreaterThanOrEqualTo(12);
  }

  @Test
  void colourScaleIsSequentialWithWhiteForZero() {
    assertThat(ConfusionMatrixPlot.colour(0).getRGB()).isEqualTo(WHITE);
    assertThat(luminance(ConfusionMatrixPlot.colour(0.001))).isLessThan(luminance(Color.WHITE) - 20);
    double previous = luminance(Color.WHITE);
    for (int i = 1; i <= 100; i++) {
      double l = luminance(ConfusionMatrixPlot.colour(i / 100.0));
      assertThat(l).as("luminance at %d%%", i).isLessThanOrEqualTo(previous);
      previous = l;
    }
  }

  @Test
  void beyondTheCapTheClassesWithMostSupportAreShown() throws IOException {
    ClassificationReport report = noisy(180, 20000, 4);
    BufferedImage image = confusion(report, "confusion-180");
    ConfusionMatrixPlot.Layout layout = ConfusionMatrixPlot.layout(report, "t");
    assertThat(layout.shown()).hasSize(ConfusionMatrixPlot.MAX_CLASSES);
    assertThat(layout.titleLines()[2]).startsWith("showing the 150 of 180 classes with the most support");
    long smallestShown = Long.MAX_VALUE;
    for (int c : layout.shown()) {
      smallestShown = Math.min(smallestShown, report.perClass().get(c).support());
    }
    long largestHidden = 0;
    for (ClassMetrics c : report.perClass()) {
      if (Arrays.stream(layout.shown()).noneMatch(s -> s == c.index())) {
        largestHidden = Math.max(largestHidden, c.support());
      }
    }
    assertThat(smallestShown).isGreaterThanOrEqualTo(largestHidden);
    assertThat(image.getWidth()).isLessThan(2400);
    assertThat(image.getHeight()).isLessThan(2400);
  }

  @Test
  void countsArePrintedOnlyInBigCells() {
    assertThat(ConfusionMatrixPlot.layout(noisy(5, 300, 1), "t").countFont()).isNotNull();
    assertThat(ConfusionMatrixPlot.layout(noisy(140, 5000, 1), "t").countFont()).isNull();
  }

  @Test
  void learningCurveOfOneEpoch() throws IOException {
    List<EpochMetrics> one = List.of(new EpochMetrics(1, 2.3, 2.1, 0.41, 0.38, 0.22, 95.0));
    BufferedImage image = ImageIO.read(
        LearningCurvePlot.write(one, OUT.resolve("learning-1.png"), "articleType: 1 epoch").toFile());
    assertThat(image.getWidth()).isEqualTo(LearningCurvePlot.WIDTH);
    assertThat(image.getHeight()).isEqualTo(LearningCurvePlot.HEIGHT);
    assertThat(count(image, LearningCurvePlot.BEST, 0, image.getWidth())).isGreaterThan(20);
  }

  @Test
  void learningCurveOf50EpochsMarksTheBestEpoch() throws IOException {
    List<EpochMetrics> history = history(50, 31);
    assertThat(history.get(LearningCurvePlot.best(history)).epoch()).isEqualTo(31);
    BufferedImage image = ImageIO.read(
        LearningCurvePlot.write(history, OUT.resolve("learning-50.png"), "articleType: 50 epochs").toFile());
    int half = image.getWidth() / 2;
    // loss panel: both losses; score panel: the three scores and the best-epoch marks
    assertThat(count(image, LearningCurvePlot.BLUE, 0, half)).isGreaterThan(300);
    assertThat(count(image, LearningCurvePlot.ORANGE, 0, half)).isGreaterThan(300);
    assertThat(count(image, LearningCurvePlot.GREEN, half, image.getWidth())).isGreaterThan(300);
    assertThat(count(image, LearningCurvePlot.PURPLE, half, image.getWidth())).isGreaterThan(300);
    assertThat(count(image, LearningCurvePlot.BEST, half, image.getWidth())).isGreaterThan(40);
  }

  @Test
  void learningCurveToleratesMissingValidationLoss() throws IOException {
    List<EpochMetrics> history = new ArrayList<>();
    for (EpochMetrics e : history(12, 12)) {
      history.add(new EpochMetrics(e.epoch(), e.trainLoss(), Double.NaN, e.validationAccuracy(),
          e.validationWeightedF1(), e.validationMacroF1(), e.seconds()));
    }
    BufferedImage image = ImageIO.read(
        LearningCurvePlot.write(history, OUT.resolve("learning-no-val-loss.png"), "no validation loss").toFile());
    assertThat(image.getWidth()).isEqualTo(LearningCurvePlot.WIDTH);
    assertThatThrownBy(() -> LearningCurvePlot.write(List.of(), OUT.resolve("empty.png"), "t"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  /** A plausible run: loss falling, scores rising, weighted F1 peaking at {@code bestEpoch}. */
  static List<EpochMetrics> history(int epochs, int bestEpoch) {
    List<EpochMetrics> history = new ArrayList<>();
    for (int e = 1; e <= epochs; e++) {
      double progress = 1 - Math.exp(-e / 8.0);
      double f1 = 0.3 + 0.5 * progress - (e > bestEpoch ? 0.002 * (e - bestEpoch) : 0);
      if (e == bestEpoch) {
        f1 += 0.004;
      }
      history.add(new EpochMetrics(e, 4.5 - 3.8 * progress, 4.2 - 3.2 * progress + 0.004 * Math.max(0, e - 30),
          f1 + 0.05, f1, f1 - 0.15, 60 + e));
    }
    return history;
  }

  static int centre(BufferedImage image, ConfusionMatrixPlot.Layout layout, int row, int column) {
    int cell = layout.cell();
    return image.getRGB(layout.left() + column * cell + cell / 2, layout.top() + row * cell + cell / 2);
  }

  static int firstDarkest(BufferedImage image, ConfusionMatrixPlot.Layout layout, int i, int darkest) {
    int y = layout.top() + i * layout.cell() + layout.cell() / 2;
    for (int x = layout.left(); x < layout.left() + layout.matrix(); x++) {
      if (image.getRGB(x, y) == darkest) {
        return x;
      }
    }
    throw new AssertionError("no darkest pixel in row " + i);
  }

  static int count(BufferedImage image, Color colour, int fromX, int toX) {
    int n = 0;
    for (int x = fromX; x < toX; x++) {
      for (int y = 0; y < image.getHeight(); y++) {
        n += image.getRGB(x, y) == colour.getRGB() ? 1 : 0;
      }
    }
    return n;
  }

  static double luminance(Color c) {
    return 0.2126 * c.getRed() + 0.7152 * c.getGreen() + 0.0722 * c.getBlue();
  }
}
