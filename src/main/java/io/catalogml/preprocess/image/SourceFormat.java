package io.catalogml.preprocess.image;

import static io.catalogml.preprocess.image.Bytes.ascii;
import static io.catalogml.preprocess.image.Bytes.isAscii;
import static io.catalogml.preprocess.image.Bytes.startsWith;
import static io.catalogml.preprocess.image.Bytes.u16;
import static io.catalogml.preprocess.image.Bytes.u8;

import java.util.HexFormat;

/** The two formats that are decoded, recognised by their signature; other image formats are named in failures. */
enum SourceFormat {
  JPEG,
  PNG;

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
  private static final byte[] IEND = ascii("IEND");
  private static final byte[] GIF87 = ascii("GIF87a");
  private static final byte[] GIF89 = ascii("GIF89a");
  private static final byte[] TIFF_LE = {'I', 'I', 42, 0};
  private static final byte[] TIFF_BE = {'M', 'M', 0, 42};
  private static final byte[] RIFF = ascii("RIFF");

  static SourceFormat of(byte[] bytes) throws DecodeException {
    if (bytes == null || bytes.length == 0) {
      throw new DecodeException(ImageFailure.NOT_AN_IMAGE, "no bytes: the image is empty");
    }
    if (bytes.length >= 3 && u8(bytes, 0) == 0xff && u8(bytes, 1) == 0xd8 && u8(bytes, 2) == 0xff) {
      return JPEG;
    }
    if (startsWith(bytes, PNG_SIGNATURE)) {
      checkPng(bytes);
      return PNG;
    }
    String other = otherImageFormat(bytes);
    if (other != null) {
      throw new DecodeException(ImageFailure.UNSUPPORTED,
          other + " image (" + bytes.length + " bytes): only JPEG and PNG images are decoded");
    }
    throw new DecodeException(ImageFailure.NOT_AN_IMAGE, "not an image: " + bytes.length
        + (bytes.length == 1 ? " byte" : " bytes") + " starting with "
        + HexFormat.ofDelimiter(" ").formatHex(bytes, 0, Math.min(8, bytes.length))
        + "; a JPEG starts with ff d8 ff, a PNG with 89 50 4e 47");
  }

  private static void checkPng(byte[] bytes) throws DecodeException {
    if (lastIndexOf(bytes, IEND) < PNG_SIGNATURE.length) {
      throw new DecodeException(ImageFailure.TRUNCATED,
          "PNG of " + bytes.length + " bytes has no IEND chunk: the file is truncated");
    }
  }

  private static String otherImageFormat(byte[] b) {
    if (startsWith(b, GIF87) || startsWith(b, GIF89)) {
      return "GIF";
    }
    if (startsWith(b, TIFF_LE) || startsWith(b, TIFF_BE)) {
      return "TIFF";
    }
    if (startsWith(b, RIFF) && isAscii(b, 8, "WEBP")) {
      return "WebP";
    }
    if (isAscii(b, 4, "ftyp")) {
      return "HEIF/AVIF";
    }
    if (b.length >= 18 && isAscii(b, 0, "BM") && isBmpInfoHeaderSize(u16(b, 14, false)) && u16(b, 16, false) == 0) {
      return "BMP";
    }
    return null;
  }

  private static boolean isBmpInfoHeaderSize(int size) {
    return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
  }

  private static int lastIndexOf(byte[] bytes, byte[] needle) {
    outer:
    for (int i = bytes.length - needle.length; i >= 0; i--) {
      for (int j = 0; j < needle.length; j++) {
        if (bytes[i + j] != needle[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

}
