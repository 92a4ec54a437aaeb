package io.catalogml.preprocess.image;

import static io.catalogml.preprocess.image.Bytes.isAscii;

/**
 * Recognises an embedded ICC profile that describes sRGB: an RGB profile whose red, green and blue
 * primaries (rXYZ, gXYZ, bXYZ, D50-adapted) are sRGB's and whose tone curves are sRGB-like (mid-grey
 * encodes near 0.21 in linear light, as sRGB's and gamma 2.2 do; a linear-light profile does not pass).
 * Decoding such a JPEG as plain sRGB gives the same pixels as converting through the profile, without
 * building a colour transform per image.
 */
final class SrgbProfile {
  private static final int HEADER = 128;
  private static final double TOLERANCE = 0.005;
  private static final String[] COLOURANTS = {"rXYZ", "gXYZ", "bXYZ"};
  private static final String[] TONE_CURVES = {"rTRC", "gTRC", "bTRC"};
  private static final double MIN_GAMMA = 2.0;
  private static final double MAX_GAMMA = 2.6;
  private static final double[][] SRGB_D50 = {
      {0.4361, 0.2225, 0.0139},
      {0.3851, 0.7169, 0.0971},
      {0.1431, 0.0606, 0.7141}};

  private SrgbProfile() {}

  static boolean matches(byte[] profile) {
    if (profile == null || profile.length < HEADER + 4 || u32(profile, 0) > profile.length
        || !isAscii(profile, 16, "RGB ")) {
      return false;
    }
    for (int i = 0; i < COLOURANTS.length; i++) {
      int offset = tagOffset(profile, COLOURANTS[i]);
      if (offset < 0 || offset + 20 > profile.length || !isAscii(profile, offset, "XYZ ")) {
        return false;
      }
      for (int c = 0; c < 3; c++) {
        double value = s15Fixed16(profile, offset + 8 + 4 * c);
        if (Math.abs(value - SRGB_D50[i][c]) > TOLERANCE) {
          return false;
        }
      }
    }
    for (String curve : TONE_CURVES) {
      if (!srgbLikeToneCurve(profile, tagOffset(profile, curve))) {
        return false;
      }
    }
    return true;
  }

  /** A 'curv' table whose middle entry is 0.18..0.25, or a gamma ('curv' of one entry, 'para') of 2.0..2.6. */
  private static boolean srgbLikeToneCurve(byte[] profile, int offset) {
    if (offset < 0 || offset + 12 > profile.length) {
      return false;
    }
    if (isAscii(profile, offset, "para")) {
      return offset + 16 <= profile.length && isGamma(s15Fixed16(profile, offset + 12));
    }
    if (!isAscii(profile, offset, "curv")) {
      return false;
    }
    long entries = u32(profile, offset + 8);
    if (entries == 1) {
      return offset + 14 <= profile.length && isGamma(u16(profile, offset + 12) / 256.0);
    }
    if (entries < 2 || offset + 12 + 2 * entries > profile.length) {
      return false;
    }
    double middle = u16(profile, offset + 12 + 2 * (int) ((entries - 1) / 2)) / 65535.0;
    return middle >= 0.18 && middle <= 0.25;
  }

  private static boolean isGamma(double gamma) {
    return gamma >= MIN_GAMMA && gamma <= MAX_GAMMA;
  }

  private static int tagOffset(byte[] profile, String signature) {
    long count = u32(profile, HEADER);
    for (long i = 0; i < count; i++) {
      long entry = HEADER + 4 + 12 * i;
      if (entry + 12 > profile.length) {
        return -1;
      }
      if (isAscii(profile, (int) entry, signature)) {
        long offset = u32(profile, (int) entry + 4);
        return offset > Integer.MAX_VALUE ? -1 : (int) offset;
      }
    }
    return -1;
  }

  private static int u16(byte[] bytes, int index) {
    return Bytes.u16(bytes, index, true);
  }

  private static long u32(byte[] bytes, int index) {
    return Bytes.u32(bytes, index, true);
  }

  private static double s15Fixed16(byte[] bytes, int offset) {
    return (int) u32(bytes, offset) / 65536.0;
  }
}
