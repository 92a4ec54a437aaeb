package io.catalogml.evaluate;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import java.util.stream.DoubleStream;

/**
 * Draws a training history as a PNG with two panels: training and validation loss against the
 * epoch, and validation accuracy, weighted F1 and macro F1 against the epoch on a 0..1 axis.
 * The best epoch by validation weighted F1 (the earliest on ties) is ringed and marked by a dashed
 * line in both panels. Non-finite values (a validation loss not computed) leave gaps. Points
 * get markers up to {@value #MARKER_LIMIT} epochs, so one epoch is a dot and 100 epochs a line.
 */
public final class LearningCurvePlot {
  /** Image width in pixels. */
  public static final int WIDTH = 1400;
  /** Image height in pixels. */
  public static final int HEIGHT = 640;
  static final int MARKER_LIMIT = 40;

  // Okabe-Ito colours, distinguishable with colour-vision deficiencies.
  static final Color BLUE = new Color(0x00, 0x72, 0xb2);
  static final Color ORANGE = new Color(0xe6, 0x9f, 0x00);
  static final Color GREEN = new Color(0x00, 0x9e, 0x73);
  static final Color PURPLE = new Color(0xcc, 0x79, 0xa7);
  static final Color BEST = new Color(0xd5, 0x5e, 0x00);

  private static final int PAD = 16;
  private static final int PLOT_TOP = 96;
  private static final int PLOT_BOTTOM = HEIGHT - 120;

  private LearningCurvePlot() {}

  /**
   * Writes the plot.
   *
   * @param history one entry per epoch, in epoch order; at least one
   * @param png the file to write (folders are created)
   * @param title first line of the title; the second line gives the best epoch and the total time
   * @return {@code png}
   */
  public static Path write(List<EpochMetrics> history, Path png, String title) {
    if (history.isEmpty()) {
      throw new IllegalArgumentException("cannot plot a learning curve without any epoch");
    }
    BufferedImage image = Canvas.image(WIDTH, HEIGHT);
    Graphics2D g = Canvas.graphics(image);
    try {
      new Painter(history, g).paint(title);
    } finally {
      g.dispose();
    }
    Canvas.writePng(image, png);
    return png;
  }

  /** Index in {@code history} of the best epoch by validation weighted F1, earliest on ties; -1 if none. */
  static int best(List<EpochMetrics> history) {
    int best = -1;
    for (int i = 0; i < history.size(); i++) {
      double f1 = history.get(i).validationWeightedF1();
      if (Double.isFinite(f1) && (best < 0 || f1 > history.get(best).validationWeightedF1())) {
        best = i;
      }
    }
    return best;
  }

  private record Series(String name, Color colour, ToDoubleFunction<EpochMetrics> value) {}

  /** A plot area and its data ranges. */
  private record Panel(int left, int right, double xMin, double xMax, double yMin, double yMax) {
    double x(double epoch) {
      return left + (epoch - xMin) / (xMax - xMin) * (right - left);
    }

    double y(double v) {
      return PLOT_BOTTOM - (v - yMin) / (yMax - yMin) * (PLOT_BOTTOM - PLOT_TOP);
    }
  }

  private static final class Painter {
    private final List<EpochMetrics> history;
    private final Graphics2D g;
    private final int best;
    private final double xMin;
    private final double xMax;

    Painter(List<EpochMetrics> history, Graphics2D g) {
      this.history = history;
      this.g = g;
      this.best = best(history);
      double first = history.stream().mapToInt(EpochMetrics::epoch).min().orElseThrow();
      double last = history.stream().mapToInt(EpochMetrics::epoch).max().orElseThrow();
      double margin = first == last ? 1 : (last - first) * 0.03;
      this.xMin = first - margin;
      this.xMax = last + margin;
    }

    void paint(String title) {
      g.setColor(Canvas.TEXT);
      g.setFont(Canvas.font(18, true));
      g.drawString(title, PAD, PAD + 18);
      g.setFont(Canvas.font(13, false));
      g.drawString(subtitle(), PAD, PAD + 40);

      int half = WIDTH / 2;
      double lossMax = history.stream()
          .flatMapToDouble(e -> DoubleStream.of(e.trainLoss(), e.validationLoss()))
          .filter(Double::isFinite).max().orElse(1);
      Panel loss = new Panel(PAD + 64, half - 24, xMin, xMax, 0, Canvas.niceCeil(lossMax * 1.02));
      Panel scores = new Panel(half + 64, WIDTH - PAD - 16, xMin, xMax, 0, 1);
      panel(loss, "loss", List.of(
          new Series("training loss", BLUE, EpochMetrics::trainLoss),
          new Series("validation loss", ORANGE, EpochMetrics::validationLoss)), false);
      panel(scores, "validation score", List.of(
          new Series("accuracy", GREEN, EpochMetrics::validationAccuracy),
          new Series("weighted F1", BLUE, EpochMetrics::validationWeightedF1),
          new Series("macro F1", PURPLE, EpochMetrics::validationMacroF1)), true);
    }

    private String subtitle() {
      double seconds = history.stream().mapToDouble(EpochMetrics::seconds).filter(Double::isFinite).sum();
      String time = String.format(Locale.ROOT, "%d epoch%s in %s", history.size(), history.size() == 1 ? "" : "s",
          duration(seconds));
      if (best < 0) {
        return time + "; no validation weighted F1 recorded";
      }
      EpochMetrics b = history.get(best);
      return String.format(Locale.ROOT, "best epoch %d: weighted F1 %.3f, accuracy %.3f, macro F1 %.3f   |   %s",
          b.epoch(), b.validationWeightedF1(), b.validationAccuracy(), b.validationMacroF1(), time);
    }

    private void panel(Panel p, String yLabel, List<Series> series, boolean markBest) {
      axes(p, yLabel);
      Canvas.antialiasShapes(g, true);
      if (best >= 0) {
        g.setColor(BEST);
        g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
        double x = p.x(history.get(best).epoch());
        g.draw(new Line2D.Double(x, PLOT_TOP, x, PLOT_BOTTOM));
      }
      for (Series s : series) {
        line(p, s);
      }
      if (markBest && best >= 0) {
        EpochMetrics b = history.get(best);
        g.setColor(BEST);
        g.setStroke(new BasicStroke(2.5f));
        g.draw(new Ellipse2D.Double(p.x(b.epoch()) - 8, p.y(b.validationWeightedF1()) - 8, 16, 16));
      }
      legend(p, series, best >= 0);
      Canvas.antialiasShapes(g, false);
    }

    private void axes(Panel p, String yLabel) {
      Canvas.antialiasShapes(g, false);
      g.setStroke(new BasicStroke(1f));
      g.setFont(Canvas.font(12, false));
      FontMetrics fm = g.getFontMetrics();
      List<Double> ticks = Canvas.ticks(p.yMin(), p.yMax(), 5);
      int decimals = (int) Math.max(0, -Math.floor(Math.log10(ticks.get(1) - ticks.get(0)) + 1e-9));
      for (double v : ticks) {
        int y = (int) Math.round(p.y(v));
        g.setColor(Canvas.GRID);
        g.drawLine(p.left(), y, p.right(), y);
        g.setColor(Canvas.TEXT);
        String text = String.format(Locale.ROOT, "%." + decimals + "f", v);
        g.drawString(text, p.left() - 8 - fm.stringWidth(text), y + (fm.getAscent() - fm.getDescent()) / 2f);
      }
      double step = Math.max(1, Canvas.niceStep((p.xMax() - p.xMin()) / 10));
      double first = history.get(0).epoch();
      double last = history.get(history.size() - 1).epoch();
      for (double e = Math.ceil(first / step) * step; e <= last; e += step) {
        int x = (int) Math.round(p.x(e));
        g.setColor(Canvas.GRID);
        g.drawLine(x, PLOT_TOP, x, PLOT_BOTTOM);
        g.setColor(Canvas.TEXT);
        g.drawLine(x, PLOT_BOTTOM, x, PLOT_BOTTOM + 4);
        Canvas.centred(g, Long.toString(Math.round(e)), x, PLOT_BOTTOM + 18);
      }
      g.setColor(Canvas.MUTED);
      g.drawRect(p.left(), PLOT_TOP, p.right() - p.left(), PLOT_BOTTOM - PLOT_TOP);
      g.setColor(Canvas.TEXT);
      g.setFont(Canvas.font(13, true));
      Canvas.centred(g, "epoch", (p.left() + p.right()) / 2.0, PLOT_BOTTOM + 38);
      Canvas.vertical(g, yLabel, p.left() - 48, (PLOT_TOP + PLOT_BOTTOM) / 2.0);
    }

    private void line(Panel p, Series s) {
      g.setColor(s.colour());
      g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
      Path2D.Double path = new Path2D.Double();
      boolean open = false;
      for (EpochMetrics e : history) {
        double v = s.value().applyAsDouble(e);
        if (!Double.isFinite(v)) {
          open = false;
          continue;
        }
        double x = p.x(e.epoch());
        double y = p.y(Math.max(p.yMin(), Math.min(p.yMax(), v)));
        if (open) {
          path.lineTo(x, y);
        } else {
          path.moveTo(x, y);
          open = true;
        }
        if (history.size() <= MARKER_LIMIT) {
          g.fill(new Ellipse2D.Double(x - 3.5, y - 3.5, 7, 7));
        }
      }
      g.draw(path);
    }

    private void legend(Panel p, List<Series> series, boolean withBest) {
      g.setFont(Canvas.font(12, false));
      FontMetrics fm = g.getFontMetrics();
      int x = p.left();
      int y = PLOT_BOTTOM + 64;
      List<String> names = new ArrayList<>();
      series.forEach(s -> names.add(s.name()));
      if (withBest) {
        names.add("best epoch (" + history.get(best).epoch() + ", by weighted F1)");
      }
      for (int i = 0; i < names.size(); i++) {
        int w = 28 + fm.stringWidth(names.get(i)) + 18;
        if (x + w > p.right() && x > p.left()) {
          x = p.left();
          y += 20;
        }
        if (i < series.size()) {
          g.setColor(series.get(i).colour());
          g.setStroke(new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND));
          g.draw(new Line2D.Double(x, y - 4, x + 22, y - 4));
          g.fill(new Ellipse2D.Double(x + 11 - 3.5, y - 7.5, 7, 7));
        } else {
          g.setColor(BEST);
          g.setStroke(new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
          g.draw(new Line2D.Double(x, y - 4, x + 22, y - 4));
        }
        g.setColor(Canvas.TEXT);
        g.drawString(names.get(i), x + 28, y);
        x += w;
      }
    }

    private static String duration(double seconds) {
      long s = Math.round(seconds);
      if (s < 60) {
        return s + " s";
      }
      if (s < 3600) {
        return (s / 60) + " min " + (s % 60) + " s";
      }
      return (s / 3600) + " h " + (s % 3600) / 60 + " min";
    }
  }
}
