package io.catalogml.preprocess.image;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** Unsigned numbers and signatures in byte arrays, for the header parsers; callers check bounds for numbers. */
final class Bytes {
  private Bytes() {}

  static int u8(byte[] bytes, int index) {
    return bytes[index] & 0xff;
  }

  static int u16(byte[] bytes, int index, boolean bigEndian) {
    int first = u8(bytes, index);
    int second = u8(bytes, index + 1);
    return bigEndian ? first << 8 | second : second << 8 | first;
  }

  static long u32(byte[] bytes, int index, boolean bigEndian) {
    long high = u16(bytes, bigEndian ? index : index + 2, bigEndian);
    long low = u16(bytes, bigEndian ? index + 2 : index, bigEndian);
    return high << 16 | low;
  }

  /** Whether the {@code length} bytes at {@code offset} (clipped to the array) begin with {@code prefix}. */
  static boolean startsWith(byte[] bytes, int offset, int length, byte[] prefix) {
    int end = offset + prefix.length;
    return offset >= 0 && length >= prefix.length && end <= bytes.length
        && Arrays.equals(bytes, offset, end, prefix, 0, prefix.length);
  }

  static boolean startsWith(byte[] bytes, byte[] prefix) {
    return startsWith(bytes, 0, bytes.length, prefix);
  }

  static boolean isAscii(byte[] bytes, int offset, String text) {
    return startsWith(bytes, offset, bytes.length - offset, ascii(text));
  }

  static byte[] ascii(String text) {
    return text.getBytes(StandardCharsets.US_ASCII);
  }
}
