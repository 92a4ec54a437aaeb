package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static io.catalogml.preprocess.image.ImageFixtures.assertPixel;
import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.color.ColorSpace;
import java.awt.color.ICC_Profile;
import java.awt.image.BufferedImage;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Embedded ICC profiles: the fast path decodes a JPEG whose profile is sRGB as plain sRGB (the same
 * pixels, without a colour transform per image) and converts through any other profile, as the baseline does.
 */
class ColourProfileTest {
  static final byte[] SRGB = ICC_Profile.getInstance(ColorSpace.CS_sRGB).getData();
  static final byte[] LINEAR_RGB = ICC_Profile.getInstance(ColorSpace.CS_LINEAR_RGB).getData();
  static final byte[] GREY = ICC_Profile.getInstance(ColorSpace.CS_GRAY).getData();

  final ImagePreprocessor preprocessor = new ImagePreprocessor(ImageSpec.DEFAULT);

  @Test
  void recognisesSrgbByPrimariesAndToneCurve() {
    assertThat(SrgbProfile.matches(SRGB)).isTrue();
    assertThat(SrgbProfile.matches(LINEAR_RGB)).as("sRGB primaries, linear tone curve").isFalse();
    assertThat(SrgbProfile.matches(GREY)).isFalse();
    assertThat(SrgbProfile.matches(withGreenPrimary(SRGB, 0.1852, 0.6273, 0.0609))).as("Adobe RGB green").isFalse();
    assertThat(SrgbProfile.matches(null)).isFalse();
    assertThat(SrgbProfile.matches("not a profile".getBytes(StandardCharsets.US_ASCII))).isFalse();
    for (int length = 0; length < SRGB.length; length += 7) {
      assertThat(SrgbProfile.matches(Arrays.copyOf(SRGB, length))).as("cut to %d bytes", length).isFalse();
    }
  }

  /** 20 of the 1,000 sample photos carry an APP2 profile: 12 HP sRGB, 5 Canon sRGB, 3 Adobe RGB. */
  @Test
  void recognisesTheProfilesOfTheRealSamplePhotos() {
    int srgb = 0;
    int adobe = 0;
    for (byte[] photo : ImageFixtures.samplePhotos(1000)) {
      byte[] profile = ImageFixtures.header(photo).iccProfile(photo);
      String text = profile == null ? "" : new String(profile, StandardCharsets.ISO_8859_1);
      if (text.contains("sRGB IEC61966-2.1") || text.contains("sRGB v1.31 (Canon)")) {
        assertThat(SrgbProfile.matches(profile)).isTrue();
        srgb++;
      } else if (text.contains("Adobe RGB (1998)")) {
        assertThat(SrgbProfile.matches(profile)).isFalse();
        adobe++;
      }
    }
    assertThat(srgb).isEqualTo(17);
    assertThat(adobe).isEqualTo(3);
  }

  @Test
  void joinsAProfileSplitOverSeveralChunksInTheirNumberedOrder() {
    byte[] jpeg = ImageFixtures.jpeg(ImageFixtures.quadrants(32, 32));
    byte[] withProfile = ImageFixtures.withIccProfile(jpeg, SRGB, 3000, 3, 1, 2);

    JpegHeader header = ImageFixtures.header(withProfile);
    assertThat(header.icc()).hasSize(3);
    assertThat(header.iccProfile(withProfile)).isEqualTo(SRGB);
    assertThat(header.withoutIcc(withProfile)).isEqualTo(jpeg);
  }

  @Test
  void chunksThatDoNotAddUpGiveNoProfile() {
    byte[] jpeg = ImageFixtures.jpeg(ImageFixtures.quadrants(32, 32));
    byte[] duplicate = ImageFixtures.withIccProfile(jpeg, SRGB, 3000, 1, 1, 2);

    assertThat(ImageFixtures.header(duplicate).iccProfile(duplicate)).isNull();
  }

  @Test
  void anSrgbProfileGivesTheSamePixelsOnBothPaths() {
    byte[] jpeg = ImageFixtures.jpeg(ImageFixtures.solid(80, 80, BufferedImage.TYPE_INT_RGB, new Color(100, 150, 200)));
    byte[] withProfile = ImageFixtures.withIccProfile(jpeg, SRGB, 60_000);

    ImageResult fast = preprocessor.process(withProfile);
    ImageResult plain = preprocessor.processPlain(withProfile);

    assertPixel(fast, ImageSpec.DEFAULT, 32, 32, 100, 150, 200, 3);
    assertThat(ImageFixtures.meanAbsoluteDifference(fast.rgb(), plain.rgb())).isLessThan(1.0);
  }

  @Test
  void anyOtherProfileIsConvertedOnBothPaths() {
    byte[] jpeg = ImageFixtures.jpeg(ImageFixtures.solid(80, 80, BufferedImage.TYPE_INT_RGB, new Color(100, 100, 100)));
    byte[] linear = ImageFixtures.withIccProfile(jpeg, LINEAR_RGB, 60_000);

    for (ImageResult r : List.of(preprocessor.process(linear), preprocessor.processPlain(linear))) {
      assertThat(r.ok()).as(r.message()).isTrue();
      assertPixel(r, ImageSpec.DEFAULT, 32, 32, 168, 168, 168, 4);
    }
    assertPixel(preprocessor.process(jpeg), ImageSpec.DEFAULT, 32, 32, 100, 100, 100, 2);
  }

  /** A copy of an ICC profile whose gXYZ tag holds other values. */
  private static byte[] withGreenPrimary(byte[] profile, double x, double y, double z) {
    byte[] copy = profile.clone();
    int tags = (int) readU32(copy, 128);
    for (int i = 0; i < tags; i++) {
      int entry = 132 + 12 * i;
      if (new String(copy, entry, 4, StandardCharsets.US_ASCII).equals("gXYZ")) {
        int offset = (int) readU32(copy, entry + 4);
        writeS15Fixed16(copy, offset + 8, x);
        writeS15Fixed16(copy, offset + 12, y);
        writeS15Fixed16(copy, offset + 16, z);
        return copy;
      }
    }
    throw new IllegalArgumentException("profile has no gXYZ tag");
  }

  private static long readU32(byte[] b, int i) {
    return (b[i] & 0xffL) << 24 | (b[i + 1] & 0xffL) << 16 | (b[i + 2] & 0xffL) << 8 | (b[i + 3] & 0xffL);
  }

  private static void writeS15Fixed16(byte[] b, int i, double value) {
    int fixed = (int) Math.round(value * 65536);
    for (int k = 0; k < 4; k++) {
      b[i + k] = (byte) (fixed >>> (24 - 8 * k));
    }
  }
}
