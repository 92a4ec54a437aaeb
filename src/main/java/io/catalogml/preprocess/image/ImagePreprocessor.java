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
 * PNG of every colour type (grey, palette and alpha composited on white). {@link #process} decodes clean
 * grey and colour JPEGs with libjpeg-turbo where libturbojpeg is installed ({@link #turboJpeg()}), everything
 * else with the JDK's reader.
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
   * The fast path. A grey or colour JPEG without an embedded colour profile other than sRGB is decoded by
   * libjpeg-turbo, scaled down by 2, 4 or 8 inside the decoder when the source is at least that much larger than
   * its fit needs (averaging where {@link #processJdk} skips pixels); anything else, any JPEG libjpeg-turbo warns
   * about, and every image where libturbojpeg is not installed, is decoded as {@link #processJdk} does. Then
   * resizes. Failures and their messages are those of {@link #processJdk}.
   */
  public ImageResult process(byte[] bytes) {
    return run(bytes, ImageDecoder.Way.FAST);
  }

  /**
   * The fast path without libjpeg-turbo (what {@link #process} does where the native library is missing):
   * the JDK's reader decodes only every s-th pixel of every s-th row when the source is at least twice the
   * size the fit needs (s is the largest period that never leaves fewer pixels than the fit places), and
   * skips the colour conversion of a JPEG whose embedded ICC profile is sRGB; then resizes.
   */
  public ImageResult processJdk(byte[] bytes) {
    return run(bytes, ImageDecoder.Way.JDK_FAST);
  }

  /**
   * The baseline: decodes every pixel as {@code ImageIO.read} would (converting through any embedded ICC
   * profile), then resizes exactly as {@link #process} does.
   */
  public ImageResult processPlain(byte[] bytes) {
    return run(bytes, ImageDecoder.Way.PLAIN);
  }

  /** Whether {@link #process} decodes JPEGs with libjpeg-turbo in this JVM (libturbojpeg is installed). */
  public static boolean turboJpeg() {
    return TurboJpeg.available();
  }

  private ImageResult run(byte[] bytes, ImageDecoder.Way way) {
    try {
      ImageDecoder.Decoded decoded = ImageDecoder.decode(bytes, spec, way);
      ImageSpec stored = Orientation.stored(spec, decoded.orientation());
      int[] pixels = Resizer.resize(decoded.image(), stored);
      byte[] rgb = Orientation.uprightRgb(pixels, stored.width(), stored.height(), decoded.orientation());
      return ImageResult.of(rgb, decoded.sourceWidth(), decoded.sourceHeight(), decoded.orientation());
    } catch (DecodeException e) {
      return ImageResult.failed(e.failure(), e.getMessage());
    }
  }
}
