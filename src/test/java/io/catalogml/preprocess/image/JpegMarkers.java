package io.catalogml.preprocess.image;

/** Looks at the marker segments of test JPEGs, to check that a fixture is what it claims to be. */
final class JpegMarkers {
  private JpegMarkers() {}

  /** Whether a marker segment of this type comes before the first scan. */
  static boolean has(byte[] jpeg, int marker) {
    return offset(jpeg, marker) >= 0;
  }

  /** The transform byte of the Adobe APP14 segment: 0 CMYK or RGB, 1 YCbCr, 2 YCCK; -1 without one. */
  static int adobeTransform(byte[] jpeg) {
    int at = offset(jpeg, 0xee);
    return at < 0 ? -1 : jpeg[at + 4 + 11] & 0xff;
  }

  /** Offset of the 0xff of the first segment of this type before the first scan, or -1. */
  static int offset(byte[] jpeg, int marker) {
    int pos = 2;
    while (pos + 4 <= jpeg.length && (jpeg[pos] & 0xff) == 0xff) {
      int type = jpeg[pos + 1] & 0xff;
      if (type == marker) {
        return pos;
      }
      if (type == 0xda) {
        return -1;
      }
      pos += 2 + ((jpeg[pos + 2] & 0xff) << 8 | (jpeg[pos + 3] & 0xff));
    }
    return -1;
  }
}
