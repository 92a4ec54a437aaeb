package io.catalogml.preprocess.image;

import static io.catalogml.preprocess.image.SourceFormat.u8;

/**
 * What the decoder needs to know before decoding a JPEG, from one walk over its marker segments up to
 * the first scan: the number of colour components (4 = CMYK or YCCK) and the Exif orientation. A file
 * cut short is refused here: its header ends early, or no end-of-image marker follows its image data.
 *
 * @param components colour components of the frame: 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
 * @param orientation Exif orientation 1..8, 1 when there is none
 */
record JpegHeader(int components, int orientation) {
  private static final int SOS = 0xda;
  private static final int EOI = 0xd9;
  private static final int APP1 = 0xe1;

  static JpegHeader read(byte[] bytes) throws DecodeException {
    int orientation = ExifOrientation.NONE;
    int components = 0;
    int pos = 2;
    while (true) {
      if (pos >= bytes.length) {
        throw truncated(bytes, "inside its header");
      }
      if (u8(bytes, pos) != 0xff) {
        throw new DecodeException(ImageFailure.CORRUPT, String.format(
            "JPEG header is corrupt: expected a marker at byte %d, found 0x%02x", pos, u8(bytes, pos)));
      }
      while (pos < bytes.length && u8(bytes, pos) == 0xff) {
        pos++;
      }
      if (pos >= bytes.length) {
        throw truncated(bytes, "inside its header");
      }
      int marker = u8(bytes, pos++);
      if (marker == 0x01 || marker >= 0xd0 && marker <= 0xd7) {
        continue;
      }
      if (marker == EOI || marker == 0xd8) {
        throw new DecodeException(ImageFailure.CORRUPT, String.format(
            "JPEG header is corrupt: marker 0x%02x at byte %d comes before any image data", marker, pos - 1));
      }
      if (pos + 2 > bytes.length) {
        throw truncated(bytes, "inside its header");
      }
      int length = u8(bytes, pos) << 8 | u8(bytes, pos + 1);
      if (length < 2) {
        throw new DecodeException(ImageFailure.CORRUPT, String.format(
            "JPEG header is corrupt: segment 0x%02x at byte %d has length %d", marker, pos - 2, length));
      }
      int payload = pos + 2;
      int next = pos + length;
      if (next > bytes.length) {
        throw truncated(bytes, "inside its header");
      }
      if (marker == APP1 && orientation == ExifOrientation.NONE && ExifOrientation.isExif(bytes, payload, length - 2)) {
        orientation = ExifOrientation.read(bytes, payload, length - 2);
      } else if (isStartOfFrame(marker) && length >= 8) {
        components = u8(bytes, payload + 5);
      } else if (marker == SOS) {
        if (components == 0) {
          throw new DecodeException(ImageFailure.CORRUPT,
              "JPEG header is corrupt: image data starts at byte " + next + " without a frame header (SOF)");
        }
        if (!hasEndOfImage(bytes, next)) {
          throw truncated(bytes, "inside its image data (no end-of-image marker)");
        }
        return new JpegHeader(components, orientation);
      }
      pos = next;
    }
  }

  private static boolean isStartOfFrame(int marker) {
    return marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8 && marker != 0xcc;
  }

  /** Entropy-coded data never holds 0xff 0xd9 (0xff is stuffed), so any such pair after the first scan is the EOI. */
  private static boolean hasEndOfImage(byte[] bytes, int scanStart) {
    for (int i = bytes.length - 2; i >= scanStart; i--) {
      if (bytes[i] == (byte) 0xff && bytes[i + 1] == (byte) EOI) {
        return true;
      }
    }
    return false;
  }

  private static DecodeException truncated(byte[] bytes, String where) {
    return new DecodeException(ImageFailure.TRUNCATED,
        "JPEG of " + bytes.length + " bytes ends " + where + ": the file is truncated");
  }
}
