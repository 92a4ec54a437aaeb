package io.catalogml.config;

import java.io.Serializable;

/**
 * Size and fit of the images the preprocessor produces.
 *
 * @param width output width in pixels, 1..1024
 * @param height output height in pixels, 1..1024
 * @param fit how an image whose aspect ratio differs from width:height is fitted
 */
public record ImageSpec(int width, int height, Fit fit) implements Serializable {
  /** The project's default: 64x64, padded. */
  public static final ImageSpec DEFAULT = new ImageSpec(64, 64, Fit.PAD);

  static final int MAX_SIDE = 1024;

  /** How the source is fitted into width x height, always keeping its aspect ratio. */
  public enum Fit {
    /** Scale to fit inside, centre, and fill the borders with black (0, 0, 0). */
    PAD,
    /** Scale to cover, and cut the overflow equally from both sides. */
    CROP
  }

  public ImageSpec {
    if (width < 1 || width > MAX_SIDE || height < 1 || height > MAX_SIDE) {
      throw new IllegalArgumentException("image size " + width + "x" + height
          + " is out of range: width and height must be between 1 and " + MAX_SIDE);
    }
    if (fit == null) {
      throw new IllegalArgumentException("image fit is missing: use PAD or CROP");
    }
  }
}
