package io.catalogml.evaluate;

import io.catalogml.core.CatalogErrors;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.imageio.ImageIO;

/** Java2D helpers shared by the plots: fonts, hints, ticks, PNG output. Works headless. */
final class Canvas {
  private Canvas() {}

  static final Color TEXT = new Color(0x22, 0x22, 0x22);
  static final Color MUTED = new Color(0x70, 0x70, 0x70);
  static final Color GRID = new Color(0xe4, 0xe4, 0xe4);

  /** A white RGB image with anti-aliased text; shapes are anti-aliased only where a plot asks. */
  static BufferedImage image(int width, int height) {
    return new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
  }

  static Graphics2D graphics(BufferedImage image) {
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
    g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
    g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, image.getWidth(), image.getHeight());
    return g;
  }

  static void antialiasShapes(Graphics2D g, boolean on) {
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING,
        on ? RenderingHints.VALUE_ANTIALIAS_ON : RenderingHints.VALUE_ANTIALIAS_OFF);
  }

  static Font font(float size, boolean bold) {
    return new Font(Font.SANS_SERIF, bold ? Font.BOLD : Font.PLAIN, 1).deriveFont(size);
  }

  /** Metrics of a font without a target image (for layout before the canvas exists). */
  static FontMetrics metrics(Font font) {
    Graphics2D g = image(1, 1).createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_FRACTIONALMETRICS, RenderingHints.VALUE_FRACTIONALMETRICS_ON);
      return g.getFontMetrics(font);
    } finally {
      g.dispose();
    }
  }

  /** Draws {@code text} centred horizontally on {@code cx}, with its baseline at {@code y}. */
  static void centred(Graphics2D g, String text, double cx, double y) {
    g.drawString(text, (float) (cx - g.getFontMetrics().stringWidth(text) / 2.0), (float) y);
  }

  /** Draws {@code text} rotated 90° anticlockwise, centred vertically on {@code cy}, baseline at x. */
  static void vertical(Graphics2D g, String text, double x, double cy) {
    Graphics2D r = (Graphics2D) g.create();
    r.translate(x, cy);
    r.rotate(-Math.PI / 2);
    r.drawString(text, (float) (-r.getFontMetrics().stringWidth(text) / 2.0), 0f);
    r.dispose();
  }

  /** About {@code target} round tick values (1, 2 or 5 × 10^k apart) covering [min, max]. */
  static List<Double> ticks(double min, double max, int target) {
    double step = niceStep((max - min) / Math.max(1, target));
    List<Double> ticks = new ArrayList<>();
    for (double t = Math.ceil(min / step - 1e-9) * step; t <= max + step * 1e-9; t += step) {
      ticks.add(Math.abs(t) < step * 1e-9 ? 0.0 : t);
    }
    return ticks;
  }

  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(raw)));
    double f = raw / magnitude;
    return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * magnitude;
  }

  /** The smallest nice value (1, 2, 2.5 or 5 × 10^k) at least {@code v}. */
  static double niceCeil(double v) {
    if (!(v > 0)) {
      return 1;
    }
    double magnitude = Math.pow(10, Math.floor(Math.log10(v)));
    for (double f : new double[] {1, 1.5, 2, 2.5, 3, 4, 5, 6, 8, 10}) {
      if (f * magnitude >= v * (1 - 1e-12)) {
        return f * magnitude;
      }
    }
    return 10 * magnitude;
  }

  static String shorten(String label, int maxChars) {
    return label.length() <= maxChars ? label : label.substring(0, maxChars - 1) + "\u2026";
  }

  static void writePng(BufferedImage image, Path png) {
    try {
      Path parent = png.toAbsolutePath().getParent();
      Files.createDirectories(parent);
      if (!ImageIO.write(image, "png", png.toFile())) {
        throw new IOException("no PNG writer in this JVM");
      }
    } catch (IOException e) {
      throw CatalogErrors.cannotWriteOutput(png, e);
    }
  }
}
