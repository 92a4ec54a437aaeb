package io.catalogml.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Path2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The monitor's morning picture, one PNG with three panels: the class mix of the night's predictions
 * beside the model's predicted mix at training (the classes that moved most), the night's confidence
 * histogram beside the one at training, and the drift metrics over the last nights.
 */
public final class MonitorPlot {
  /** Image width in pixels. */
  public static final int WIDTH = 1400;
  /** Image height in pixels. */
  public static final int HEIGHT = 1260;
  private static final int LEFT = 90;
  private static final int RIGHT = WIDTH - 240;
  private static final Color REFERENCE = new Color(0x99, 0x99, 0x99);
  private static final Color TONIGHT = LearningCurvePlot.BLUE;
  private static final Color[] LINES = {LearningCurvePlot.BLUE, LearningCurvePlot.ORANGE, LearningCurvePlot.GREEN,
      LearningCurvePlot.PURPLE, LearningCurvePlot.BEST, new Color(0x56, 0xb4, 0xe9)};

  private MonitorPlot() {}

  /** A class's share in the reference and tonight. */
  public record ClassShare(String label, double reference, double tonight) {}

  /** One night of history: metric name to value (a missing or null value leaves a gap). */
  public record NightPoint(String night, Map<String, Double> metrics) {}

  /**
   * Writes the picture.
   *
   * @param classes the classes to draw, in order (at most about 15 fit)
   * @param validationHistogram reference products by top probability (20 bins)
   * @param tonightHistogram the night's predictions by top probability (20 bins)
   * @param history nights oldest first, the last one tonight
   * @param metrics the history metrics to draw, in legend order
   */
  public static Path write(Path png, String title, List<ClassShare> classes, long[] validationHistogram,
      long[] tonightHistogram, List<NightPoint> history, List<String> metrics) {
    BufferedImage image = Canvas.image(WIDTH, HEIGHT);
    Graphics2D g = Canvas.graphics(image);
    try {
      g.setColor(Canvas.TEXT);
      g.setFont(Canvas.font(22, true));
      g.drawString(title, LEFT, 36);
      classMix(g, classes, 70, 440);
      confidence(g, validationHistogram, tonightHistogram, 500, 820);
      history(g, history, metrics, 880, 1200);
    } finally {
      g.dispose();
    }
    Canvas.writePng(image, png);
    return png;
  }

  private static void frame(Graphics2D g, String heading, int top, int bottom, double max, String format) {
    g.setFont(Canvas.font(16, true));
    g.setColor(Canvas.TEXT);
    g.drawString(heading, LEFT, top + 18);
    g.setFont(Canvas.font(12, false));
    for (double t : Canvas.ticks(0, max, 4)) {
      int y = (int) Math.round(y(t, max, top + 40, bottom));
      g.setColor(Canvas.GRID);
      g.drawLine(LEFT, y, RIGHT, y);
      g.setColor(Canvas.MUTED);
      String s = String.format(Locale.ROOT, format, t);
      g.drawString(s, LEFT - 8 - g.getFontMetrics().stringWidth(s), y + 4);
    }
  }

  private static double y(double v, double max, int top, int bottom) {
    return bottom - (bottom - top) * (max <= 0 ? 0 : v / max);
  }

  private static void legend(Graphics2D g, int top, String[] names, Color[] colours) {
    g.setFont(Canvas.font(13, false));
    for (int i = 0; i < names.length; i++) {
      int y = top + 50 + i * 22;
      g.setColor(colours[i]);
      g.fillRect(RIGHT + 24, y - 11, 14, 14);
      g.setColor(Canvas.TEXT);
      g.drawString(names[i], RIGHT + 46, y);
    }
  }

  private static void classMix(Graphics2D g, List<ClassShare> classes, int top, int bottom) {
    double max = Canvas.niceCeil(classes.stream().mapToDouble(c -> Math.max(c.reference(), c.tonight())).max()
        .orElse(0.1));
    frame(g, "Predicted class mix: at training vs tonight (the classes that moved most)", top, bottom - 60, max,
        "%.2f");
    int n = Math.max(1, classes.size());
    double slot = (RIGHT - LEFT) / (double) n;
    double bar = Math.min(28, slot * 0.38);
    g.setFont(Canvas.font(12, false));
    for (int i = 0; i < classes.size(); i++) {
      ClassShare c = classes.get(i);
      double x = LEFT + slot * i + slot / 2;
      bar(g, x - bar, c.reference(), bar, max, top + 40, bottom - 60, REFERENCE);
      bar(g, x, c.tonight(), bar, max, top + 40, bottom - 60, TONIGHT);
      g.setColor(Canvas.TEXT);
      Canvas.centred(g, Canvas.shorten(c.label(), (int) Math.max(4, slot / 7)), x, bottom - 40);
    }
    legend(g, top, new String[] {"at training", "tonight"}, new Color[] {REFERENCE, TONIGHT});
  }

  private static void bar(Graphics2D g, double x, double v, double w, double max, int top, int bottom, Color c) {
    double y = y(v, max, top, bottom);
    g.setColor(c);
    g.fill(new Rectangle2D.Double(x, y, w, bottom - y));
  }

  private static double[] shares(long[] h) {
    double total = 0;
    for (long v : h) {
      total += v;
    }
    double[] s = new double[h.length];
    for (int i = 0; i < h.length; i++) {
      s[i] = total == 0 ? 0 : h[i] / total;
    }
    return s;
  }

  private static void confidence(Graphics2D g, long[] validation, long[] tonight, int top, int bottom) {
    double[] v = shares(validation);
    double[] t = shares(tonight);
    double max = 0.05;
    for (int i = 0; i < v.length; i++) {
      max = Math.max(max, Math.max(v[i], t[i]));
    }
    max = Canvas.niceCeil(max);
    frame(g, "Confidence (top probability): at training vs tonight, share of products per bin", top,
        bottom - 40, max, "%.2f");
    double slot = (RIGHT - LEFT) / (double) v.length;
    g.setFont(Canvas.font(12, false));
    for (int i = 0; i < v.length; i++) {
      double x = LEFT + slot * i;
      bar(g, x + slot * 0.1, v[i], slot * 0.4, max, top + 40, bottom - 40, REFERENCE);
      bar(g, x + slot * 0.5, t[i], slot * 0.4, max, top + 40, bottom - 40, TONIGHT);
      if (i % 2 == 0) {
        g.setColor(Canvas.MUTED);
        Canvas.centred(g, String.format(Locale.ROOT, "%.1f", i / (double) v.length), x, bottom - 22);
      }
    }
    g.setColor(Canvas.MUTED);
    Canvas.centred(g, "1.0", RIGHT, bottom - 22);
    legend(g, top, new String[] {"at training", "tonight"}, new Color[] {REFERENCE, TONIGHT});
  }

  private static void history(Graphics2D g, List<NightPoint> nights, List<String> metrics, int top, int bottom) {
    double max = 0.1;
    for (NightPoint p : nights) {
      for (String m : metrics) {
        Double v = p.metrics().get(m);
        if (v != null && Double.isFinite(v)) {
          max = Math.max(max, v);
        }
      }
    }
    max = Canvas.niceCeil(max);
    frame(g, "Drift metrics over the last " + nights.size() + " night" + (nights.size() == 1 ? "" : "s"), top,
        bottom - 40, max, "%.2f");
    int n = nights.size();
    double step = n <= 1 ? 0 : (RIGHT - LEFT - 40) / (double) (n - 1);
    Canvas.antialiasShapes(g, true);
    Color[] colours = new Color[metrics.size()];
    for (int k = 0; k < metrics.size(); k++) {
      colours[k] = LINES[k % LINES.length];
      g.setColor(colours[k]);
      g.setStroke(new BasicStroke(2.2f));
      Path2D line = new Path2D.Double();
      boolean open = false;
      for (int i = 0; i < n; i++) {
        Double v = nights.get(i).metrics().get(metrics.get(k));
        if (v == null || !Double.isFinite(v)) {
          open = false;
          continue;
        }
        double x = LEFT + 20 + step * i;
        double y = y(v, max, top + 40, bottom - 40);
        if (open) {
          line.lineTo(x, y);
        } else {
          line.moveTo(x, y);
          open = true;
        }
        g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
      }
      g.draw(line);
    }
    Canvas.antialiasShapes(g, false);
    g.setFont(Canvas.font(12, false));
    g.setColor(Canvas.MUTED);
    int every = Math.max(1, n / 10);
    for (int i = 0; i < n; i += every) {
      Canvas.centred(g, nights.get(i).night(), LEFT + 20 + step * i, bottom - 22);
    }
    legend(g, top, metrics.toArray(String[]::new), colours);
  }
}
