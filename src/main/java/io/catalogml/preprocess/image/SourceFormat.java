package io.catalogml.preprocess.image;

import java.nio.charset.StandardCharsets;
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
    if (b.length >= 12 && startsWith(b, RIFF) && ascii(b, 8, 4).equals("WEBP")) {
      return "WebP";
    }
    if (b.length >= 12 && ascii(b, 4, 4).equals("ftyp")) {
      return "HEIF/AVIF";
    }
    if (b.length >= 18 && ascii(b, 0, 2).equals("BM") && isBmpInfoHeaderSize(u8(b, 14) | u8(b, 15) << 8)
        && b[16] == 0 && b[17] == 0) {
      return "BMP";
    }
    return null;
  }

  private static boolean isBmpInfoHeaderSize(int size) {
    return size == 12 || size == 40 || size == 52 || size == 56 || size == 64 || size == 108 || size == 124;
  }

  private static boolean startsWith(byte[] bytes, byte[] prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (bytes[i] != prefix[i]) {
        return false;
      }
    }
    return true;
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

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private static String ascii(byte[] bytes, int offset, int length) {
    return new String(bytes, offset, length, StandardCharsets.US_ASCII);
  }

  static int u8(byte[] bytes, int index) {
    return bytes[index] & 0xff;
  }
}
