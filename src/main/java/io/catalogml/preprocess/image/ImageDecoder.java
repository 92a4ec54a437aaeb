package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import com.twelvemonkeys.imageio.stream.ByteArrayImageInputStream;
import java.awt.image.BufferedImage;
import java.io.EOFException;
import java.io.IOException;
import java.util.Locale;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes JPEG or PNG bytes, one of three {@link Way ways}. The JDK's fast way subsamples the source while
 * decoding, and decodes a JPEG whose embedded ICC profile is sRGB as plain sRGB; the plain way decodes every
 * pixel and converts through any embedded profile, as {@code ImageIO.read} does; the fast way hands clean grey
 * and colour JPEGs without a profile other than sRGB to libjpeg-turbo ({@link TurboJpeg}) and everything else,
 * including every JPEG libjpeg-turbo warns about, to the JDK's fast way.
 */
final class ImageDecoder {
  /** Decoded pixels above this are refused (about 120 MB as 3-byte pixels), so one image cannot exhaust an executor. */
  static final long MAX_DECODED_PIXELS = 40_000_000L;

  /**
   * A decoded image in its stored orientation.
   *
   * @param image the pixels, possibly subsampled
   * @param sourceWidth width in the file
   * @param sourceHeight height in the file
   * @param orientation Exif orientation 1..8
   */
  record Decoded(BufferedImage image, int sourceWidth, int sourceHeight, int orientation) {}

  /** How to decode. */
  enum Way {
    /** Every pixel, through any embedded colour profile, by the JDK's reader. */
    PLAIN,
    /** The JDK's reader, subsampling large sources and skipping the conversion of an sRGB profile. */
    JDK_FAST,
    /** libjpeg-turbo, reduced in the DCT, for the JPEGs it decodes cleanly; {@link #JDK_FAST} for the rest. */
    FAST
  }

  private ImageDecoder() {}

  /**
   * @param upright the output spec (upright); subsampling is chosen for its stored-orientation twin
   * @param way how to decode
   */
  static Decoded decode(byte[] bytes, ImageSpec upright, Way way) throws DecodeException {
    SourceFormat format = SourceFormat.of(bytes);
    JpegHeader jpeg = format == SourceFormat.JPEG ? JpegHeader.read(bytes) : null;
    int orientation = jpeg == null ? ExifOrientation.NONE : jpeg.orientation();
    boolean fast = way != Way.PLAIN;
    boolean srgb = fast && jpeg != null && jpeg.components() == 3 && SrgbProfile.matches(jpeg.iccProfile(bytes));
    if (way == Way.FAST && jpeg != null) {
      Decoded decoded = turbo(bytes, jpeg, upright, srgb);
      if (decoded != null) {
        return decoded;
      }
    }
    byte[] input = srgb ? jpeg.withoutIcc(bytes) : bytes;
    ImageReader reader = jpeg == null ? Readers.png() : Readers.jpeg(jpeg.components());
    try (ImageInputStream in = new ByteArrayImageInputStream(input)) {
      reader.setInput(in, true, true);
      ReadWarnings warnings = new ReadWarnings();
      reader.addIIOReadWarningListener(warnings);
      int width = reader.getWidth(0);
      int height = reader.getHeight(0);
      ImageSpec target = Orientation.stored(upright, orientation);
      int period = fast ? Placement.subsampling(width, height, target.width(), target.height(), target.fit()) : 1;
      checkSize(format, width, height, period);
      ImageReadParam param = reader.getDefaultReadParam();
      if (period > 1) {
        param.setSourceSubsampling(period, period, 0, 0);
      }
      BufferedImage image = reader.read(0, param);
      warnings.check();
      return new Decoded(image, width, height, orientation);
    } catch (IOException | RuntimeException e) {
      throw classify(format, e);
    } finally {
      reader.dispose();
    }
  }

  /**
   * libjpeg-turbo's decode, or null when it does not apply (CMYK or YCCK, a colour profile other than sRGB, an
   * unknown size, too many pixels at its coarsest reduction, the library missing) or does not decode cleanly.
   */
  private static Decoded turbo(byte[] bytes, JpegHeader jpeg, ImageSpec upright, boolean srgb) {
    boolean plainColours = jpeg.icc().isEmpty() || srgb;
    if (!TurboJpeg.available() || !plainColours || jpeg.components() != 1 && jpeg.components() != 3
        || jpeg.width() == 0 || jpeg.height() == 0) {
      return null;
    }
    ImageSpec target = Orientation.stored(upright, jpeg.orientation());
    int reduction = TurboJpeg.reduction(
        Placement.subsampling(jpeg.width(), jpeg.height(), target.width(), target.height(), target.fit()));
    if (decodedPixels(jpeg.width(), jpeg.height(), reduction) > MAX_DECODED_PIXELS) {
      return null;
    }
    BufferedImage image = TurboJpeg.decode(bytes, jpeg.width(), jpeg.height(), jpeg.components(), reduction);
    return image == null ? null : new Decoded(image, jpeg.width(), jpeg.height(), jpeg.orientation());
  }

  private static long decodedPixels(int width, int height, int period) {
    return ((long) (width + period - 1) / period) * ((height + period - 1) / period);
  }

  private static void checkSize(SourceFormat format, int width, int height, int period) throws DecodeException {
    long pixels = decodedPixels(width, height, period);
    if (pixels > MAX_DECODED_PIXELS) {
      throw new DecodeException(ImageFailure.UNSUPPORTED, String.format(Locale.ROOT,
          "%s of %dx%d would decode to %,d pixels; at most %,d are decoded", format, width, height, pixels,
          MAX_DECODED_PIXELS));
    }
  }

  private static DecodeException classify(SourceFormat format, Exception e) {
    String detail = describe(e);
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof EOFException) {
        return new DecodeException(ImageFailure.TRUNCATED, format + " data ends early: " + detail);
      }
    }
    if (detail.toLowerCase(Locale.ROOT).contains("unsupported")) {
      return new DecodeException(ImageFailure.UNSUPPORTED, format + " cannot be decoded: " + detail);
    }
    return new DecodeException(ImageFailure.CORRUPT, format + " is corrupt: " + detail);
  }

  private static String describe(Throwable e) {
    StringBuilder text = new StringBuilder();
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (text.length() > 0) {
        text.append(": ");
      }
      text.append(t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName());
    }
    return text.toString();
  }
}
