package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static io.catalogml.preprocess.image.ImageFixtures.assertPixel;
import static io.catalogml.preprocess.image.ImageFixtures.pixel;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.config.ImageSpec.Fit;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import org.junit.jupiter.api.Test;

/** Decoding every supported kind of image into exactly width x height x 3 bytes, with PAD and CROP. */
class ImagePreprocessorTest {
  static final ImageSpec SQUARE = ImageSpec.DEFAULT;
  static final Color ORANGE = new Color(240, 130, 20);

  final ImagePreprocessor pad = new ImagePreprocessor(SQUARE);
  final ImagePreprocessor crop = new ImagePreprocessor(new ImageSpec(64, 64, Fit.CROP));

  @Test
  void rgbJpegGivesExactlyWidthTimesHeightTimesThreeBytesInPlace() {
    ImageResult r = pad.process(ImageFixtures.jpeg(ImageFixtures.quadrants(80, 80)));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertThat(r.failure()).isNull();
    assertThat(r.message()).isNull();
    assertThat(r.rgb()).hasSize(64 * 64 * 3);
    assertThat(r.sourceWidth()).isEqualTo(80);
    assertThat(r.sourceHeight()).isEqualTo(80);
    assertThat(r.orientation()).isEqualTo(1);
    assertPixel(r, SQUARE, 16, 16, 255, 0, 0, 16);
    assertPixel(r, SQUARE, 48, 16, 0, 255, 0, 16);
    assertPixel(r, SQUARE, 16, 48, 0, 0, 255, 16);
    assertPixel(r, SQUARE, 48, 48, 255, 255, 255, 16);
  }

  @Test
  void padLeavesBlackBarsAroundANonSquareImageAndCropFillsEverything() {
    byte[] wide = ImageFixtures.jpeg(ImageFixtures.solid(200, 100, BufferedImage.TYPE_INT_RGB, ORANGE));

    ImageResult padded = pad.process(wide);
    assertThat(padded.rgb()).hasSize(64 * 64 * 3);
    for (int x = 0; x < 64; x += 7) {
      assertPixel(padded, SQUARE, x, 0, 0, 0, 0, 0);
      assertPixel(padded, SQUARE, x, 14, 0, 0, 0, 0);
      assertPixel(padded, SQUARE, x, 32, 240, 130, 20, 12);
      assertPixel(padded, SQUARE, x, 49, 0, 0, 0, 0);
      assertPixel(padded, SQUARE, x, 63, 0, 0, 0, 0);
    }

    ImageResult cropped = crop.process(wide);
    assertThat(cropped.rgb()).hasSize(64 * 64 * 3);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        assertPixel(cropped, SQUARE, x, y, 240, 130, 20, 12);
      }
    }
  }

  @Test
  void cropKeepsTheCentreOfATallImage() {
    BufferedImage tall = ImageFixtures.solid(50, 150, BufferedImage.TYPE_INT_RGB, Color.BLUE);
    Graphics2D g = tall.createGraphics();
    g.setColor(Color.RED);
    g.fillRect(0, 0, 50, 50);
    g.fillRect(0, 100, 50, 50);
    g.dispose();

    ImageResult r = crop.process(ImageFixtures.png(tall));

    for (int y = 2; y < 62; y += 5) {
      assertPixel(r, SQUARE, 32, y, 0, 0, 255, 0);
    }
  }

  @Test
  void nonSquareSpecsAreHonoured() {
    ImageSpec spec = new ImageSpec(40, 20, Fit.PAD);
    ImageResult r = new ImagePreprocessor(spec).process(ImageFixtures.jpeg(ImageFixtures.quadrants(100, 50)));

    assertThat(r.rgb()).hasSize(40 * 20 * 3);
    assertPixel(r, spec, 10, 5, 255, 0, 0, 16);
    assertPixel(r, spec, 30, 15, 255, 255, 255, 16);
  }

  @Test
  void greyJpegAndGreyPngBecomeEqualRgbChannelsOfTheSameValue() {
    BufferedImage grey = ImageFixtures.solid(70, 70, BufferedImage.TYPE_BYTE_GRAY, new Color(100, 100, 100));
    BufferedImage grey16 = ImageFixtures.solid(70, 70, BufferedImage.TYPE_USHORT_GRAY, new Color(100, 100, 100));
    for (byte[] bytes : new byte[][] {ImageFixtures.jpeg(grey), ImageFixtures.png(grey), ImageFixtures.png(grey16)}) {
      ImageResult r = pad.process(bytes);
      assertThat(r.ok()).as(r.message()).isTrue();
      for (int i = 0; i < r.rgb().length; i += 3) {
        assertThat(r.rgb()[i]).isEqualTo(r.rgb()[i + 1]).isEqualTo(r.rgb()[i + 2]);
      }
      assertThat(pixel(r, SQUARE, 32, 32)[0]).isBetween(97, 103);
    }
  }

  @Test
  void pngWithAlphaIsCompositedOnWhite() {
    BufferedImage argb = new BufferedImage(64, 64, BufferedImage.TYPE_INT_ARGB);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int argbValue = x < 32 ? 0x00000000 : y < 32 ? 0xffff0000 : 0x80000000;
        argb.setRGB(x, y, argbValue);
      }
    }
    ImageResult r = pad.process(ImageFixtures.png(argb));

    assertPixel(r, SQUARE, 10, 10, 255, 255, 255, 0);
    assertPixel(r, SQUARE, 10, 50, 255, 255, 255, 0);
    assertPixel(r, SQUARE, 50, 10, 255, 0, 0, 0);
    assertPixel(r, SQUARE, 50, 50, 127, 127, 127, 1);
  }

  @Test
  void greyPngWithAlphaIsCompositedOnWhiteWithoutChangingItsGreys() {
    ComponentColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), true, false,
        Transparency.TRANSLUCENT, DataBuffer.TYPE_BYTE);
    WritableRaster raster = cm.createCompatibleWritableRaster(64, 64);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        raster.setPixel(x, y, x < 32 ? new int[] {100, 255} : new int[] {0, 0});
      }
    }
    ImageResult r = pad.process(ImageFixtures.png(new BufferedImage(cm, raster, false, null)));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertPixel(r, SQUARE, 10, 30, 100, 100, 100, 0);
    assertPixel(r, SQUARE, 50, 30, 255, 255, 255, 0);
  }

  @Test
  void palettePngKeepsItsColours() {
    byte[] reds = {(byte) 255, 0, 0, (byte) 200};
    byte[] greens = {0, (byte) 255, 0, (byte) 200};
    byte[] blues = {0, 0, (byte) 255, 0};
    BufferedImage indexed = new BufferedImage(64, 64, BufferedImage.TYPE_BYTE_INDEXED,
        new IndexColorModel(2, 4, reds, greens, blues));
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        indexed.getRaster().setSample(x, y, 0, (y / 32) * 2 + x / 32);
      }
    }
    byte[] png = ImageFixtures.png(indexed);
    assertThat(png[25]).as("PNG colour type 3 (palette)").isEqualTo((byte) 3);

    ImageResult r = pad.process(png);

    assertPixel(r, SQUARE, 16, 16, 255, 0, 0, 0);
    assertPixel(r, SQUARE, 48, 16, 0, 255, 0, 0);
    assertPixel(r, SQUARE, 16, 48, 0, 0, 255, 0);
    assertPixel(r, SQUARE, 48, 48, 200, 200, 0, 0);
  }

  @Test
  void progressiveJpegDecodesLikeBaseline() {
    BufferedImage pattern = ImageFixtures.quadrants(120, 90);
    byte[] progressive = ImageFixtures.jpeg(pattern, 0.9f, true);
    byte[] baseline = ImageFixtures.jpeg(pattern, 0.9f, false);
    assertThat(JpegMarkers.has(progressive, 0xc2)).as("SOF2 (progressive) marker").isTrue();

    ImageResult p = pad.process(progressive);
    ImageResult b = pad.process(baseline);

    assertThat(p.ok()).as(p.message()).isTrue();
    assertThat(ImageFixtures.meanAbsoluteDifference(p.rgb(), b.rgb())).isLessThan(1.0);
    assertPixel(p, SQUARE, 16, 20, 255, 0, 0, 16);
  }

  @Test
  void cmykJpegFromPillowGivesInkColours() {
    ImageResult r = pad.process(ImageFixtures.resource("cmyk_quadrants.jpg"));

    assertThat(r.ok()).as(r.message()).isTrue();
    assertPixel(r, SQUARE, 16, 16, 0, 255, 255, 16);
    assertPixel(r, SQUARE, 48, 16, 255, 0, 255, 16);
    assertPixel(r, SQUARE, 16, 48, 255, 255, 0, 16);
    assertPixel(r, SQUARE, 48, 48, 0, 0, 0, 16);
  }

  @Test
  void ycckJpegGivesInkColours() {
    byte[] ycck = ImageFixtures.ycckQuadrants();
    assertThat(JpegMarkers.adobeTransform(ycck)).isEqualTo(2);

    ImageResult r = pad.process(ycck);

    assertThat(r.ok()).as(r.message()).isTrue();
    assertPixel(r, SQUARE, 16, 16, 0, 255, 255, 16);
    assertPixel(r, SQUARE, 48, 16, 255, 0, 255, 16);
    assertPixel(r, SQUARE, 16, 48, 255, 255, 0, 16);
    assertPixel(r, SQUARE, 48, 48, 0, 0, 0, 16);
  }

  @Test
  void realProductPhotosDecode() {
    for (byte[] photo : ImageFixtures.samplePhotos(50)) {
      ImageResult r = pad.process(photo);
      assertThat(r.ok()).as(r.message()).isTrue();
      assertThat(r.rgb()).hasSize(64 * 64 * 3);
      assertThat(r.sourceWidth()).isEqualTo(60);
      assertThat(r.sourceHeight()).isEqualTo(80);
      assertPixel(r, SQUARE, 0, 32, 0, 0, 0, 0);
      assertPixel(r, SQUARE, 63, 32, 0, 0, 0, 0);
    }
  }

  @Test
  void specRejectsSizesOutsideOneTo1024AndAMissingFit() {
    assertThat(new ImageSpec(1, 1024, Fit.CROP).height()).isEqualTo(1024);
    assertThatThrownBy(() -> new ImageSpec(0, 64, Fit.PAD)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("0x64").hasMessageContaining("between 1 and 1024");
    assertThatThrownBy(() -> new ImageSpec(64, 1025, Fit.PAD)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ImageSpec(64, 64, null)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("PAD or CROP");
    assertThatThrownBy(() -> new ImagePreprocessor(null)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void preprocessorSurvivesJavaSerialisationAsSparkShipsIt() throws IOException, ClassNotFoundException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(crop);
    }
    ImagePreprocessor copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = (ImagePreprocessor) in.readObject();
    }
    byte[] jpeg = ImageFixtures.jpeg(ImageFixtures.quadrants(90, 60));

    assertThat(copy.spec()).isEqualTo(crop.spec());
    assertThat(copy.process(jpeg).rgb()).isEqualTo(crop.process(jpeg).rgb());
  }
}
