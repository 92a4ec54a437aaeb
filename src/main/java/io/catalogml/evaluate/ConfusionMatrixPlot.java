package io.catalogml.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * Draws the confusion matrix of a {@link ClassificationReport} as a PNG that stays readable with
 * many classes (the catalogue has about 140 article types).
 *
 * <ul>
 *   <li>Rows are true classes, columns predicted classes, both in class-index order. A cell's
 *       colour is its share of the row (so the diagonal shows each class's recall) on a white to
 *       dark-blue scale, explained by a colour bar; empty cells stay white and any non-zero cell
 *       gets at least a light tint, so that rare confusions remain visible.
 *   <li>Diagonal cells are outlined in orange; a light grid, darker every 10 classes, helps to
 *       follow a row or a column.
 *   <li>The cell size shrinks with the class count (from {@value #MAX_CELL} px down to
 *       {@value #MIN_CELL} px), so the canvas grows with the class count but stays below about
 *       2,300 px. Beyond {@value #MAX_CLASSES} classes only the classes with the most support
 *       are drawn (rows are still normalised over all predictions) and the title says so.
 *   <li>Counts are printed in the cells when they fit; row labels carry the support.
 * </ul>
 */
public final class ConfusionMatrixPlot {
  /** Smallest cell, in pixels. */
  public static final int MIN_CELL = 12;
  /** Largest cell, in pixels. */
  public static final int MAX_CELL = 40;
  /** Most classes drawn; beyond, the classes with the most support. */
  public static final int MAX_CLASSES = 150;

  static final int MAX_LABEL_CHARS = 28;
  static final Color DIAGONAL = new Color(0xe6, 0x55, 0x0d);
  private static final Color[] BLUES = {
      new Color(0xf7fbff), new Color(0xdeebf7), new Color(0xc6dbef), new Color(0x9ecae1), new Color(0x6baed6),
      new Color(0x4292c6), new Color(0x2171b5), new Color(0x08519c), new Color(0x08306b)};
  private static final double MIN_TINT = 0.15;
  private static final int PAD = 16;
  private static final int BAR_WIDTH = 18;

  private ConfusionMatrixPlot() {}

  /**
   * Writes the plot.
   *
   * @param report the report to draw
   * @param png the file to write (folders are created)
   * @param title first line of the title, e.g. {@code "articleType, validation, epoch 12"}; the
   *     second line gives accuracy, weighted F1 and the counts
   * @return {@code png}
   */
  public static Path write(ClassificationReport report, Path png, String title) {
    Layout layout = layout(report, title);
    BufferedImage image = Canvas.image(layout.width(), layout.height());
    Graphics2D g = Canvas.graphics(image);
    try {
      new Painter(report, layout, g).paint();
    } finally {
      g.dispose();
    }
    Canvas.writePng(image, png);
    return png;
  }

  /** The colour of a row share in [0, 1]: white for 0, at least a light tint otherwise. */
  static Color colour(double share) {
    if (share <= 0) {
      return Color.WHITE;
    }
    double t = Math.min(1.0, MIN_TINT + (1 - MIN_TINT) * share) * (BLUES.length - 1);
    int i = Math.min((int) t, BLUES.length - 2);
    double f = t - i;
    Color a = BLUES[i];
    Color b = BLUES[i + 1];
    return new Color(mix(a.getRed(), b.getRed(), f), mix(a.getGreen(), b.getGreen(), f),
        mix(a.getBlue(), b.getBlue(), f));
  }

  private static int mix(int a, int b, double f) {
    return (int) Math.round(a + (b - a) * f);
  }

  /**
   * Cell size for {@code n} drawn classes: 150/√n clipped to [MIN_CELL, MAX_CELL]. The matrix side
   * n·cell grows like 150·√n; where the cell loses a pixel it steps back a little (at most 121 px,
   * made up within 12 more classes).
   */
  static int cellSize(int n) {
    return Math.max(MIN_CELL, Math.min(MAX_CELL, (int) Math.floor(150 / Math.sqrt(n))));
  }

  /** Indices of the classes drawn, ascending: all, or the {@link #MAX_CLASSES} with most support. */
  static int[] shownClasses(ClassificationReport report) {
    List<ClassMetrics> classes = report.perClass();
    if (classes.size() <= MAX_CLASSES) {
      return IntStream.range(0, classes.size()).toArray();
    }
    return classes.stream()
        .sorted(Comparator.comparingLong(ClassMetrics::support).reversed().thenComparingInt(ClassMetrics::index))
        .limit(MAX_CLASSES)
        .mapToInt(ClassMetrics::index)
        .sorted()
        .toArray();
  }

  /** Where everything goes; computed before the canvas exists. */
  record Layout(int width, int height, int left, int top, int cell, int[] shown, Font labelFont,
      Font countFont, String[] titleLines, int columnSpace) {
    int matrix() {
      return cell * shown.length;
    }
  }

  static Layout layout(ClassificationReport report, String title) {
    int[] shown = shownClasses(report);
    int cell = cellSize(shown.length);
    Font labelFont = Canvas.font(Math.max(9, Math.min(13, cell - 2)), false);
    FontMetrics lm = Canvas.metrics(labelFont);
    int rowSpace = 0;
    int columnSpace = 0;
    for (int c : shown) {
      rowSpace = Math.max(rowSpace, lm.stringWidth(rowLabel(report.perClass().get(c))));
      columnSpace = Math.max(columnSpace, lm.stringWidth(columnLabel(report.perClass().get(c))));
    }
    String[] titleLines = titleLines(report, title, shown.length);
    int titleWidth = Canvas.metrics(Canvas.font(18, true)).stringWidth(titleLines[0]);
    FontMetrics sm = Canvas.metrics(Canvas.font(13, false));
    for (int i = 1; i < titleLines.length; i++) {
      titleWidth = Math.max(titleWidth, sm.stringWidth(titleLines[i]));
    }
    int left = PAD + 22 + rowSpace + 6;
    int top = PAD + 26 + 18 * (titleLines.length - 1) + 14;
    int matrix = cell * shown.length;
    int right = 28 + BAR_WIDTH + 6 + Canvas.metrics(Canvas.font(12, false)).stringWidth("100%") + 26 + PAD;
    int width = Math.max(left + matrix + right, titleWidth + 2 * PAD);
    int height = top + Math.max(matrix, 160) + 6 + columnSpace + 26 + PAD;
    return new Layout(width, height, left, top, cell, shown, labelFont, countFont(report, shown, cell),
        titleLines, columnSpace);
  }

  /** A font for counts in cells, or null if the largest count does not fit in a cell. */
  private static Font countFont(ClassificationReport report, int[] shown, int cell) {
    if (cell < 20) {
      return null;
    }
    long max = Arrays.stream(report.confusionMatrix()).flatMapToLong(Arrays::stream).max().orElse(0);
    Font font = Canvas.font(Math.min(12f, cell * 0.42f), false);
    return Canvas.metrics(font).stringWidth(Long.toString(max)) <= cell - 4 ? font : null;
  }

  static String columnLabel(ClassMetrics c) {
    return Canvas.shorten(c.label(), MAX_LABEL_CHARS);
  }

  static String rowLabel(ClassMetrics c) {
    return Canvas.shorten(c.label(), MAX_LABEL_CHARS) + " (" + c.support() + ")";
  }

  private static String[] titleLines(ClassificationReport r, String title, int shown) {
    String scores = String.format(Locale.ROOT, "accuracy %.3f   weighted F1 %.3f   macro F1 %.3f   %,d products, %d classes",
        r.accuracy(), r.weightedF1(), r.macroF1(), r.examples(), r.classes());
    String legend = shown < r.classes()
        ? String.format(Locale.ROOT, "showing the %d of %d classes with the most support; rows are normalised over all predictions",
            shown, r.classes())
        : "rows: true class (support), columns: predicted class, colour: share of the row (recall on the diagonal)";
    return new String[] {title, scores, legend};
  }

  /** Paints one layout. */
  private static final class Painter {
    private final ClassificationReport report;
    private final Layout layout;
    private final Graphics2D g;
    private final long[][] counts;

    Painter(ClassificationReport report, Layout layout, Graphics2D g) {
      this.report = report;
      this.layout = layout;
      this.g = g;
      this.counts = report.confusionMatrix();
    }

    void paint() {
      title();
      cells();
      grid();
      labels();
      colourBar();
    }

    private void title() {
      g.setColor(Canvas.TEXT);
      g.setFont(Canvas.font(18, true));
      g.drawString(layout.titleLines()[0], PAD, PAD + 18);
      g.setFont(Canvas.font(13, false));
      for (int i = 1; i < layout.titleLines().length; i++) {
        g.setColor(i == 1 ? Canvas.TEXT : Canvas.MUTED);
        g.drawString(layout.titleLines()[i], PAD, PAD + 22 + 18 * i);
      }
    }

    private void cells() {
      int[] shown = layout.shown();
      int cell = layout.cell();
      Canvas.antialiasShapes(g, false);
      for (int r = 0; r < shown.length; r++) {
        long[] row = counts[shown[r]];
        long support = Arrays.stream(row).sum();
        for (int c = 0; c < shown.length; c++) {
          long n = row[shown[c]];
          if (n == 0) {
            continue;
          }
          double share = (double) n / support;
          int x = layout.left() + c * cell;
          int y = layout.top() + r * cell;
          Color fill = colour(share);
          g.setColor(fill);
          g.fillRect(x, y, cell, cell);
          if (layout.countFont() != null) {
            g.setFont(layout.countFont());
            g.setColor(share > 0.45 ? Color.WHITE : Canvas.TEXT);
            FontMetrics fm = g.getFontMetrics();
            Canvas.centred(g, Long.toString(n), x + cell / 2.0, y + (cell + fm.getAscent() - fm.getDescent()) / 2.0);
          }
        }
      }
    }

    private void grid() {
      int n = layout.shown().length;
      int cell = layout.cell();
      int left = layout.left();
      int top = layout.top();
      int side = layout.matrix();
      for (int i = 0; i <= n; i++) {
        g.setColor(i % 10 == 0 || i == n ? new Color(0xb4, 0xb4, 0xb4) : Canvas.GRID);
        g.drawLine(left + i * cell, top, left + i * cell, top + side);
        g.drawLine(left, top + i * cell, left + side, top + i * cell);
      }
      g.setColor(DIAGONAL);
      g.setStroke(new BasicStroke(1f));
      for (int i = 0; i < n; i++) {
        g.drawRect(left + i * cell + 1, top + i * cell + 1, cell - 2, cell - 2);
      }
    }

    private void labels() {
      int[] shown = layout.shown();
      int cell = layout.cell();
      g.setFont(layout.labelFont());
      FontMetrics fm = g.getFontMetrics();
      double middle = (fm.getAscent() - fm.getDescent()) / 2.0;
      for (int i = 0; i < shown.length; i++) {
        ClassMetrics c = report.perClass().get(shown[i]);
        g.setColor(c.support() == 0 ? Canvas.MUTED : Canvas.TEXT);
        String row = rowLabel(c);
        g.drawString(row, layout.left() - 6 - fm.stringWidth(row), (float) (layout.top() + i * cell + cell / 2.0 + middle));
        String column = columnLabel(c);
        Graphics2D r = (Graphics2D) g.create();
        r.translate(layout.left() + i * cell + cell / 2.0 + middle, layout.top() + layout.matrix() + 6);
        r.rotate(-Math.PI / 2);
        r.drawString(column, (float) -fm.stringWidth(column), 0f);
        r.dispose();
      }
      g.setColor(Canvas.TEXT);
      g.setFont(Canvas.font(14, true));
      int bottom = layout.top() + layout.matrix() + 6 + layout.columnSpace();
      Canvas.centred(g, "predicted class", layout.left() + layout.matrix() / 2.0, bottom + 20);
      Canvas.vertical(g, "true class", PAD + 14, layout.top() + layout.matrix() / 2.0);
    }

    private void colourBar() {
      int x = layout.left() + layout.matrix() + 28;
      int top = layout.top();
      int height = Math.max(160, Math.min(layout.matrix(), 420));
      Canvas.antialiasShapes(g, false);
      for (int y = 0; y < height; y++) {
        g.setColor(colour(1.0 - (double) y / (height - 1)));
        g.drawLine(x, top + y, x + BAR_WIDTH - 1, top + y);
      }
      g.setColor(new Color(0xb4, 0xb4, 0xb4));
      g.drawRect(x - 1, top - 1, BAR_WIDTH + 1, height + 1);
      g.setFont(Canvas.font(12, false));
      FontMetrics fm = g.getFontMetrics();
      g.setColor(Canvas.TEXT);
      int widest = 0;
      for (int p = 0; p <= 100; p += 25) {
        int y = top + (int) Math.round((1 - p / 100.0) * (height - 1));
        g.drawLine(x + BAR_WIDTH, y, x + BAR_WIDTH + 3, y);
        String text = p + "%";
        widest = Math.max(widest, fm.stringWidth(text));
        g.drawString(text, x + BAR_WIDTH + 6, y + (fm.getAscent() - fm.getDescent()) / 2f);
      }
      g.setFont(Canvas.font(12, false));
      Canvas.vertical(g, "share of the true class", x + BAR_WIDTH + 6 + widest + 16, top + height / 2.0);
    }
  }
}
