package io.catalogml.preprocess.image;

import static io.catalogml.preprocess.image.Bytes.startsWith;
import static io.catalogml.preprocess.image.Bytes.u8;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * What the decoder needs to know before decoding a JPEG, from one walk over its marker segments up to
 * the first scan: the number of colour components (4 = CMYK or YCCK), the Exif orientation and where the
 * embedded ICC profile is. A file cut short is refused here: its header ends early, or no end-of-image
 * marker follows its image data.
 *
 * @param components colour components of the frame: 1 grey, 3 YCbCr or RGB, 4 CMYK or YCCK
 * @param width frame width in pixels, as stored (before orientation)
 * @param height frame height in pixels, as stored
 * @param orientation Exif orientation 1..8, 1 when there is none
 * @param icc the APP2 segments that carry the ICC profile, in file order
 */
record JpegHeader(int components, int width, int height, int orientation, List<Segment> icc) {
  private static final int SOS = 0xda;
  private static final int EOI = 0xd9;
  private static final int APP1 = 0xe1;
  private static final int APP2 = 0xe2;
  private static final byte[] ICC_ID = {'I', 'C', 'C', '_', 'P', 'R', 'O', 'F', 'I', 'L', 'E', 0};
  private static final int ICC_CHUNK_HEADER = ICC_ID.length + 2;

  /**
   * A marker segment.
   *
   * @param offset index of its 0xff
   * @param length bytes from the 0xff to its end
   */
  record Segment(int offset, int length) {
    int payload() {
      return offset + 4;
    }

    int end() {
      return offset + length;
    }
  }

  static JpegHeader read(byte[] bytes) throws DecodeException {
    int orientation = ExifOrientation.NONE;
    int components = 0;
    int width = 0;
    int height = 0;
    List<Segment> icc = new ArrayList<>(1);
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
      } else if (marker == APP2 && length - 2 > ICC_CHUNK_HEADER && startsWith(bytes, payload, length - 2, ICC_ID)) {
        icc.add(new Segment(pos - 2, length + 2));
      } else if (isStartOfFrame(marker) && length >= 8) {
        height = u8(bytes, payload + 1) << 8 | u8(bytes, payload + 2);
        width = u8(bytes, payload + 3) << 8 | u8(bytes, payload + 4);
        components = u8(bytes, payload + 5);
      } else if (marker == SOS) {
        if (components == 0) {
          throw new DecodeException(ImageFailure.CORRUPT,
              "JPEG header is corrupt: image data starts at byte " + next + " without a frame header (SOF)");
        }
        if (!hasEndOfImage(bytes, next)) {
          throw truncated(bytes, "inside its image data (no end-of-image marker)");
        }
        return new JpegHeader(components, width, height, orientation, icc);
      }
      pos = next;
    }
  }

  /** The embedded ICC profile with its chunks joined in sequence order; null without one or when the chunks do not add up. */
  byte[] iccProfile(byte[] bytes) {
    if (icc.isEmpty()) {
      return null;
    }
    Segment[] ordered = new Segment[icc.size()];
    for (Segment segment : icc) {
      int sequence = u8(bytes, segment.payload() + ICC_ID.length);
      int total = u8(bytes, segment.payload() + ICC_ID.length + 1);
      if (total != ordered.length || sequence < 1 || sequence > total || ordered[sequence - 1] != null) {
        return null;
      }
      ordered[sequence - 1] = segment;
    }
    ByteArrayOutputStream profile = new ByteArrayOutputStream();
    for (Segment segment : ordered) {
      int start = segment.payload() + ICC_CHUNK_HEADER;
      profile.write(bytes, start, segment.end() - start);
    }
    return profile.toByteArray();
  }

  /** A copy of the JPEG without its ICC profile segments. */
  byte[] withoutIcc(byte[] bytes) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length);
    int from = 0;
    for (Segment segment : icc) {
      out.write(bytes, from, segment.offset() - from);
      from = segment.end();
    }
    out.write(bytes, from, bytes.length - from);
    return out.toByteArray();
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
