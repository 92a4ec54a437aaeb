package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static io.catalogml.preprocess.image.ImageFixtures.assertPixel;
import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.ImageSpec.Fit;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exif orientation on the JPEGs written by make_fixtures.py: each stores the 48x32 quadrant pattern
 * (red, green / blue, white) turned so that a viewer applying its orientation shows it upright.
 */
class OrientationTest {
  static final ImageSpec UPRIGHT = new ImageSpec(48, 32, Fit.PAD);

  @ParameterizedTest
  @ValueSource(ints = {2, 3, 4, 5, 6, 7, 8})
  void everyOrientationComesOutUpright(int orientation) {
    ImageResult r = new ImagePreprocessor(UPRIGHT).process(ImageFixtures.resource("exif_orientation_" + orientation + ".jpg"));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.orientation()).isEqualTo(orientation);
    assertThat(r.sourceWidth()).isEqualTo(orientation >= 5 ? 32 : 48);
    assertThat(r.sourceHeight()).isEqualTo(orientation >= 5 ? 48 : 32);
    assertUprightQuadrants(r, UPRIGHT);
  }

  @Test
  void bigEndianExifIsReadToo() {
    ImageResult r = new ImagePreprocessor(UPRIGHT).process(ImageFixtures.resource("exif_orientation_6_big_endian.jpg"));

    assertThat(r.orientation()).isEqualTo(6);
    assertUprightQuadrants(r, UPRIGHT);
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 6, 8})
  void theRedQuadrantEndsUpTopLeftWithEitherFitAndBothPaths(int orientation) {
    byte[] jpeg = ImageFixtures.resource("exif_orientation_" + orientation + ".jpg");
    for (ImageSpec spec : new ImageSpec[] {ImageSpec.DEFAULT, new ImageSpec(24, 24, Fit.CROP), new ImageSpec(12, 8, Fit.PAD)}) {
      ImagePreprocessor p = new ImagePreprocessor(spec);
      for (ImageResult r : new ImageResult[] {p.process(jpeg), p.processPlain(jpeg)}) {
        assertThat(r.rgb()).hasSize(spec.width() * spec.height() * 3);
        int x = spec.width() / 4;
        int y = spec.height() / 4;
        assertPixel(r, spec, x, y, 255, 0, 0, 40);
        assertPixel(r, spec, spec.width() - 1 - x, spec.height() - 1 - y, 255, 255, 255, 40);
      }
    }
  }

  @Test
  void anUnrotatedJpegHasOrientationOne() {
    ImageResult r = new ImagePreprocessor(UPRIGHT).process(ImageFixtures.jpeg(ImageFixtures.quadrants(48, 32)));

    assertThat(r.orientation()).isEqualTo(1);
    assertUprightQuadrants(r, UPRIGHT);
  }

  private static void assertUprightQuadrants(ImageResult r, ImageSpec spec) {
    assertPixel(r, spec, 12, 8, 255, 0, 0, 24);
    assertPixel(r, spec, 36, 8, 0, 255, 0, 24);
    assertPixel(r, spec, 12, 24, 0, 0, 255, 24);
    assertPixel(r, spec, 36, 24, 255, 255, 255, 24);
  }

  @Test
  void exifParserReadsBothByteOrdersAndAnyTagPosition() {
    assertThat(read(exif(ByteOrder.LITTLE_ENDIAN, 0x010f, 3, 1, 0x0112, 3, 6))).isEqualTo(6);
    assertThat(read(exif(ByteOrder.BIG_ENDIAN, 0x010f, 3, 1, 0x0112, 3, 8))).isEqualTo(8);
  }

  @Test
  void exifParserIgnoresWhatItCannotTrust() {
    assertThat(read(exif(ByteOrder.BIG_ENDIAN, 0x0112, 3, 9))).as("value out of 1..8").isEqualTo(1);
    assertThat(read(exif(ByteOrder.BIG_ENDIAN, 0x0112, 4, 6))).as("LONG instead of SHORT").isEqualTo(1);
    assertThat(read(exif(ByteOrder.BIG_ENDIAN, 0x010f, 3, 6))).as("no orientation tag").isEqualTo(1);
    byte[] valid = exif(ByteOrder.LITTLE_ENDIAN, 0x0112, 3, 6);
    for (int cut = 0; cut < valid.length - 4; cut++) {
      assertThat(ExifOrientation.read(valid, 0, cut)).as("cut to %d bytes", cut).isEqualTo(1);
    }
    byte[] badMagic = valid.clone();
    badMagic[8] = 43;
    assertThat(read(badMagic)).isEqualTo(1);
    byte[] farOffset = valid.clone();
    farOffset[13] = 0x7f;
    assertThat(read(farOffset)).as("IFD offset past the end").isEqualTo(1);
  }

  private static int read(byte[] payload) {
    assertThat(ExifOrientation.isExif(payload, 0, payload.length)).isTrue();
    return ExifOrientation.read(payload, 0, payload.length);
  }

  /** An Exif APP1 payload whose IFD0 holds SHORT-valued entries given as (tag, type, value) triples. */
  private static byte[] exif(ByteOrder order, int... entries) {
    int count = entries.length / 3;
    ByteBuffer b = ByteBuffer.allocate(6 + 8 + 2 + 12 * count + 4).order(order);
    b.put(new byte[] {'E', 'x', 'i', 'f', 0, 0});
    b.put(order == ByteOrder.BIG_ENDIAN ? new byte[] {'M', 'M'} : new byte[] {'I', 'I'});
    b.putShort((short) 42).putInt(8).putShort((short) count);
    for (int i = 0; i < entries.length; i += 3) {
      b.putShort((short) entries[i]).putShort((short) entries[i + 1]).putInt(1).putShort((short) entries[i + 2]).putShort((short) 0);
    }
    b.putInt(0);
    return b.array();
  }
}
