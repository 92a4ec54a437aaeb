package io.catalogml.preprocess.image;

import static io.catalogml.preprocess.image.Bytes.u16;
import static io.catalogml.preprocess.image.Bytes.u32;

/**
 * Reads the orientation tag (0x0112) from IFD0 of an Exif APP1 payload, in either TIFF byte order.
 * Anything unexpected means "no orientation": a broken Exif block must not fail the image.
 */
final class ExifOrientation {
  static final int NONE = 1;
  private static final int TAG_ORIENTATION = 0x0112;
  private static final int TYPE_SHORT = 3;
  private static final byte[] EXIF_ID = {'E', 'x', 'i', 'f', 0, 0};

  private ExifOrientation() {}

  /** True when the APP1 payload at {@code offset} is an Exif block. */
  static boolean isExif(byte[] bytes, int offset, int length) {
    return Bytes.startsWith(bytes, offset, length, EXIF_ID);
  }

  /** Orientation 1..8 from an Exif APP1 payload of {@code length} bytes at {@code offset}; 1 when absent or invalid. */
  static int read(byte[] bytes, int offset, int length) {
    int tiff = offset + EXIF_ID.length;
    int end = offset + length;
    if (tiff + 8 > end) {
      return NONE;
    }
    boolean bigEndian;
    if (bytes[tiff] == 'M' && bytes[tiff + 1] == 'M') {
      bigEndian = true;
    } else if (bytes[tiff] == 'I' && bytes[tiff + 1] == 'I') {
      bigEndian = false;
    } else {
      return NONE;
    }
    if (u16(bytes, tiff + 2, bigEndian) != 42) {
      return NONE;
    }
    long ifd = tiff + u32(bytes, tiff + 4, bigEndian);
    if (ifd + 2 > end) {
      return NONE;
    }
    int entries = u16(bytes, (int) ifd, bigEndian);
    for (int i = 0; i < entries; i++) {
      int entry = (int) ifd + 2 + 12 * i;
      if (entry + 12 > end) {
        return NONE;
      }
      if (u16(bytes, entry, bigEndian) == TAG_ORIENTATION) {
        int value = u16(bytes, entry + 8, bigEndian);
        boolean valid = u16(bytes, entry + 2, bigEndian) == TYPE_SHORT && value >= 1 && value <= 8;
        return valid ? value : NONE;
      }
    }
    return NONE;
  }
}
