package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static org.assertj.core.api.Assertions.assertThat;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

/** Bad bytes give a failed result with a stable code and a message that says what is wrong; nothing throws. */
class BadInputTest {
  final ImagePreprocessor preprocessor = new ImagePreprocessor(ImageSpec.DEFAULT);
  /** A real 60x80 product photo: 13.4 KB of Photoshop, Exif and XMP segments, then 1.5 KB of image data. */
  final byte[] photo = ImageFixtures.samplePhotos(1).get(0);

  @Test
  void nullEmptyAndTextAreNotAnImage() {
    assertFailure(null, "not_an_image", "no bytes");
    assertFailure(new byte[0], "not_an_image", "no bytes");
    assertFailure("id,title\n1,shirt\n".getBytes(StandardCharsets.UTF_8), "not_an_image",
        "not an image: 17 bytes starting with 69 64 2c 74 69 74 6c 65; a JPEG starts with ff d8 ff");
    assertFailure(new byte[] {(byte) 0xff}, "not_an_image", "not an image: 1 byte starting with ff;");
    assertFailure("<html><body>404</body></html>".getBytes(StandardCharsets.UTF_8), "not_an_image", "not an image");
  }

  @Test
  void otherImageFormatsAreUnsupportedAndNamed() throws IOException {
    BufferedImage img = ImageFixtures.solid(20, 20, BufferedImage.TYPE_INT_RGB, Color.RED);
    assertFailure(ImageFixtures.gif(img), "unsupported", "GIF image");
    ByteArrayOutputStream bmp = new ByteArrayOutputStream();
    ImageIO.write(img, "bmp", bmp);
    assertFailure(bmp.toByteArray(), "unsupported", "BMP image");
  }

  @Test
  void aJpegCutInItsImageDataIsTruncatedNotHalfGrey() {
    for (byte[] jpeg : List.of(photo, ImageFixtures.jpeg(ImageFixtures.quadrants(300, 200), 0.9f, true))) {
      byte[] cut = Arrays.copyOf(jpeg, middleOfImageData(jpeg));
      assertFailure(cut, "truncated", "ends inside its image data (no end-of-image marker): the file is truncated");
      assertThat(preprocessor.processPlain(cut).failure()).isEqualTo("truncated");
    }
  }

  @Test
  void aJpegCutInItsHeaderIsTruncated() {
    int sos = JpegMarkers.offset(photo, 0xda);
    for (int length : new int[] {3, 4, 5, 21, sos, sos + 3}) {
      assertFailure(Arrays.copyOf(photo, length), "truncated", "the file is truncated");
    }
  }

  @Test
  void aCutJpegClosedWithAnEndMarkerIsCaughtByTheDecodersWarning() {
    byte[] cut = Arrays.copyOf(photo, middleOfImageData(photo) + 2);
    cut[cut.length - 2] = (byte) 0xff;
    cut[cut.length - 1] = (byte) 0xd9;

    assertFailure(cut, "corrupt", "JPEG image data is damaged: Corrupt JPEG data: premature end of data segment");
  }

  @Test
  void aPngWithoutItsEndChunkIsTruncated() {
    byte[] png = ImageFixtures.png(ImageFixtures.quadrants(100, 100));
    assertFailure(Arrays.copyOf(png, png.length - 12), "truncated", "PNG of");
    assertFailure(Arrays.copyOf(png, 30), "truncated", "has no IEND chunk");
  }

  @Test
  void aBrokenJpegHeaderIsCorrupt() {
    byte[] noMarker = photo.clone();
    noMarker[20] = 0x00;
    assertFailure(noMarker, "corrupt", "JPEG header is corrupt: expected a marker at byte 20, found 0x00");

    byte[] badLength = photo.clone();
    badLength[4] = 0;
    badLength[5] = 1;
    assertFailure(badLength, "corrupt", "has length 1");

    byte[] undefinedTable = photo.clone();
    undefinedTable[JpegMarkers.offset(photo, 0xc0) + 12] = 3;
    assertFailure(undefinedTable, "corrupt", "JPEG is corrupt: Quantization table 0x03 was not defined");

    byte[] noFrame = photo.clone();
    int sof = JpegMarkers.offset(photo, 0xc0);
    noFrame[sof + 1] = (byte) 0xe5;
    assertFailure(noFrame, "corrupt", "without a frame header (SOF)");
  }

  @Test
  void aBrokenPngHeaderIsCorrupt() {
    byte[] png = ImageFixtures.png(ImageFixtures.quadrants(40, 40));
    png[25] = 9;
    fixIhdrCrc(png);
    assertFailure(png, "corrupt", "PNG is corrupt");
  }

  @Test
  void rareJpegProcessesAreUnsupported() {
    for (int sof : new int[] {0xc3, 0xc5}) {
      byte[] jpeg = photo.clone();
      jpeg[JpegMarkers.offset(photo, 0xc0) + 1] = (byte) sof;
      assertFailure(jpeg, "unsupported", String.format("Unsupported JPEG process: SOF type 0x%02x", sof));
    }
  }

  @Test
  void anImageOverTheDecodedPixelLimitIsRefusedUnlessSubsamplingBringsItUnder() {
    byte[] png = ImageFixtures.png(ImageFixtures.quadrants(40, 40));
    writeIntBigEndian(png, 16, 10_000);
    writeIntBigEndian(png, 20, 10_000);
    fixIhdrCrc(png);

    ImageResult plain = preprocessor.processPlain(png);
    assertThat(plain.failure()).isEqualTo("unsupported");
    assertThat(plain.message()).isEqualTo("PNG of 10000x10000 would decode to 100,000,000 pixels; at most 40,000,000 are decoded");
    assertThat(preprocessor.process(png).failure()).as("pixels missing after the header").isNotEqualTo("unsupported");
  }

  @Test
  void randomDamageNeverThrowsAndAlwaysGivesACodeAndMessage() {
    Random random = new Random(42);
    byte[] png = ImageFixtures.png(ImageFixtures.quadrants(60, 80));
    byte[] progressive = ImageFixtures.jpeg(ImageFixtures.quadrants(60, 80), 0.8f, true);
    for (byte[] original : List.of(photo, png, progressive)) {
      for (int round = 0; round < 300; round++) {
        byte[] damaged = original.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          damaged[random.nextInt(damaged.length)] = (byte) random.nextInt(256);
        }
        for (ImageResult r : List.of(preprocessor.process(damaged), preprocessor.processPlain(damaged))) {
          if (r.ok()) {
            assertThat(r.rgb()).hasSize(64 * 64 * 3);
          } else {
            assertThat(r.failure()).isIn("truncated", "not_an_image", "corrupt", "unsupported");
            assertThat(r.message()).isNotBlank();
            assertThat(r.rgb()).isNull();
          }
        }
      }
    }
  }

  private static int middleOfImageData(byte[] jpeg) {
    int scan = JpegMarkers.offset(jpeg, 0xda);
    return scan + (jpeg.length - scan) / 2;
  }

  private void assertFailure(byte[] bytes, String code, String messagePart) {
    for (ImageResult r : List.of(preprocessor.process(bytes), preprocessor.processPlain(bytes))) {
      assertThat(r.ok()).isFalse();
      assertThat(r.rgb()).isNull();
      assertThat(r.failure()).as(r.message()).isEqualTo(code);
      assertThat(r.message()).contains(messagePart);
    }
  }

  private static void writeIntBigEndian(byte[] bytes, int offset, int value) {
    for (int i = 0; i < 4; i++) {
      bytes[offset + i] = (byte) (value >>> (24 - 8 * i));
    }
  }

  /** Recomputes the CRC of the IHDR chunk (type and 13 data bytes at 12..28) after editing it. */
  private static void fixIhdrCrc(byte[] png) {
    CRC32 crc = new CRC32();
    crc.update(png, 12, 17);
    writeIntBigEndian(png, 29, (int) crc.getValue());
  }
}
