package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import java.io.Serializable;

/**
 * Turns the bytes of one JPEG or PNG image into width x height x 3 RGB bytes of its {@link ImageSpec},
 * upright (Exif orientation applied), aspect ratio kept. Holds only its spec: thread-safe, and cheap to
 * ship to Spark executors. Bad input never throws: it gives a failed {@link ImageResult} with a code and a
 * message.
 *
 * <p>Decoded: baseline and progressive JPEG (grey, YCbCr, RGB, and CMYK/YCCK through TwelveMonkeys),
 * PNG of every colour type (grey, palette and alpha composited on white).
 */
public final class ImagePreprocessor implements Serializable {
  private final ImageSpec spec;

  public ImagePreprocessor(ImageSpec spec) {
    if (spec == null) {
      throw new IllegalArgumentException("image spec is missing");
    }
    this.spec = spec;
  }

  public ImageSpec spec() {
    return spec;
  }

  /**
   * The fast path: decodes only every s-th pixel of every s-th row when the source is at least twice the
   * size the fit needs (s is the largest period that never leaves fewer pixels than the fit places), and
   * skips the colour conversion of a JPEG whose embedded ICC profile is sRGB; then resizes.
   */
  public ImageResult process(byte[] bytes) {
    return run(bytes, true);
  }

  /**
   * The baseline: decodes every pixel as {@code ImageIO.read} would (converting through any embedded ICC
   * profile), then resizes exactly as {@link #process} does.
   */
  public ImageResult processPlain(byte[] bytes) {
    return run(bytes, false);
  }

  private ImageResult run(byte[] bytes, boolean fast) {
    try {
      ImageDecoder.Decoded decoded = ImageDecoder.decode(bytes, spec, fast);
      ImageSpec stored = Orientation.stored(spec, decoded.orientation());
      int[] pixels = Resizer.resize(decoded.image(), stored);
      byte[] rgb = Orientation.uprightRgb(pixels, stored.width(), stored.height(), decoded.orientation());
      return ImageResult.of(rgb, decoded.sourceWidth(), decoded.sourceHeight(), decoded.orientation());
    } catch (DecodeException e) {
      return ImageResult.failed(e.failure(), e.getMessage());
    }
  }
}
