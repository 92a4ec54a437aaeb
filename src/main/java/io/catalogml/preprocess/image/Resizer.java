package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.DataBufferInt;
import java.awt.image.Raster;

/**
 * Scales a decoded image into a target of exactly width x height with Java2D bilinear interpolation.
 * Large reductions go by halving first (each halving averages 2x2 pixels), so every source pixel counts
 * and the result does not alias. Transparent pixels are composited on white; PAD borders are black.
 */
final class Resizer {
  private Resizer() {}

  /** Returns the target's pixels as 0xRRGGBB, row-major. */
  static int[] resize(BufferedImage image, ImageSpec target) {
    BufferedImage source = opaque(image);
    Placement p = Placement.of(source.getWidth(), source.getHeight(), target.width(), target.height(), target.fit());
    BufferedImage region = source.getSubimage(p.srcX(), p.srcY(), p.srcWidth(), p.srcHeight());
    int w = region.getWidth();
    int h = region.getHeight();
    while (w >= 2 * p.dstWidth() || h >= 2 * p.dstHeight()) {
      w = w >= 2 * p.dstWidth() ? w / 2 : w;
      h = h >= 2 * p.dstHeight() ? h / 2 : h;
      BufferedImage half = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
      draw(region, half, 0, 0, w, h);
      region = half;
    }
    BufferedImage out = new BufferedImage(target.width(), target.height(), BufferedImage.TYPE_INT_RGB);
    draw(region, out, p.dstX(), p.dstY(), p.dstWidth(), p.dstHeight());
    return ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
  }

  private static void draw(BufferedImage from, BufferedImage to, int x, int y, int width, int height) {
    Graphics2D g = to.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(from, x, y, width, height, null);
    } finally {
      g.dispose();
    }
  }

  /**
   * An image without transparency whose pixels Java2D copies exactly: the JPEG reader's types are kept;
   * anything else is composited on white. Grey with alpha is done by hand, as Java2D would convert its
   * linear grey colour space and lighten it.
   */
  private static BufferedImage opaque(BufferedImage image) {
    switch (image.getType()) {
      case BufferedImage.TYPE_3BYTE_BGR, BufferedImage.TYPE_INT_RGB, BufferedImage.TYPE_BYTE_GRAY,
          BufferedImage.TYPE_USHORT_GRAY:
        return image;
      default:
        break;
    }
    ColorModel cm = image.getColorModel();
    if (cm.getColorSpace().getType() == ColorSpace.TYPE_GRAY && cm.getNumComponents() == 2 && cm.hasAlpha()) {
      return greyWithAlphaOnWhite(image);
    }
    BufferedImage out = new BufferedImage(image.getWidth(), image.getHeight(), BufferedImage.TYPE_INT_RGB);
    Graphics2D g = out.createGraphics();
    try {
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, image.getWidth(), image.getHeight());
      g.drawImage(image, 0, 0, null);
    } finally {
      g.dispose();
    }
    return out;
  }

  private static BufferedImage greyWithAlphaOnWhite(BufferedImage image) {
    Raster raster = image.getRaster();
    long max = (1L << image.getColorModel().getComponentSize(0)) - 1;
    int width = image.getWidth();
    int height = image.getHeight();
    BufferedImage out = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    int[] pixels = ((DataBufferInt) out.getRaster().getDataBuffer()).getData();
    int[] grey = new int[width];
    int[] alpha = new int[width];
    for (int y = 0; y < height; y++) {
      raster.getSamples(0, y, width, 1, 0, grey);
      raster.getSamples(0, y, width, 1, 1, alpha);
      for (int x = 0; x < width; x++) {
        long composited = grey[x] * (long) alpha[x] + max * (max - alpha[x]);
        int v = (int) ((composited * 255 + max * max / 2) / (max * max));
        pixels[y * width + x] = v << 16 | v << 8 | v;
      }
    }
    return out;
  }
}
