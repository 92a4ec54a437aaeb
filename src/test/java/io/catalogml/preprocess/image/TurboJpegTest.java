package io.catalogml.preprocess.image;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.ImageSpec;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * libjpeg-turbo (libturbojpeg through jnr-ffi) behind {@link ImagePreprocessor#process}: it is installed where the
 * tests run, it is the decoder that clean JPEGs take, it averages where the JDK's fast path skips pixels, and
 * anything it warns about is named by the JDK's reader exactly as before.
 */
class TurboJpegTest {
  final ImagePreprocessor preprocessor = new ImagePreprocessor(ImageSpec.DEFAULT);

  @Test
  void libturbojpegIsInstalledWhereTheTestsRun() {
    assertThat(ImagePreprocessor.turboJpeg())
        .as("libturbojpeg.so.0 must load (apt-get install libturbojpeg0; .ci/run installs it)").isTrue();
  }

  @Test
  void photosAreScaledDownInsideTheDecoderAndCloserToTheFullDecodeThanSubsampling() {
    List<byte[]> photos = ImageFixtures.samplePets(40);
    double turbo = 0;
    double jdk = 0;
    for (byte[] photo : photos) {
      ImageResult plain = preprocessor.processPlain(photo);
      ImageResult fast = preprocessor.process(photo);
      ImageResult subsampled = preprocessor.processJdk(photo);
      assertThat(fast.ok()).isTrue();
      assertThat(fast.sourceWidth()).isEqualTo(plain.sourceWidth());
      assertThat(fast.sourceHeight()).isEqualTo(plain.sourceHeight());
      turbo += ImageFixtures.meanAbsoluteDifference(fast.rgb(), plain.rgb());
      jdk += ImageFixtures.meanAbsoluteDifference(subsampled.rgb(), plain.rgb());
    }
    turbo /= photos.size();
    jdk /= photos.size();
    assertThat(turbo).as("libjpeg-turbo's scaled decode against the full decode").isLessThan(4.0);
    assertThat(turbo).as("averaging in the DCT against skipping pixels (JDK subsampling %.2f)", jdk)
        .isLessThan(jdk * 0.75);
  }

  @Test
  void aDecodeIsReducedByTheLargestPowerOfTwoThatKeepsEnoughPixels() {
    assertThat(TurboJpeg.reduction(1)).isEqualTo(1);
    assertThat(TurboJpeg.reduction(3)).isEqualTo(2);
    assertThat(TurboJpeg.reduction(7)).isEqualTo(4);
    assertThat(TurboJpeg.reduction(40)).isEqualTo(8);
    byte[] photo = ImageFixtures.samplePets(1).get(0);
    JpegHeader header = ImageFixtures.header(photo);
    BufferedImage quarter = TurboJpeg.decode(photo, header.width(), header.height(), 3, 4);
    assertThat(quarter.getWidth()).isEqualTo((header.width() + 3) / 4);
    assertThat(quarter.getHeight()).isEqualTo((header.height() + 3) / 4);
  }

  @Test
  void aPhotoCutAndClosedWithAnEndMarkerIsRefusedByLibjpegTurboAndNamedByTheJdkReader() {
    byte[] photo = ImageFixtures.samplePets(1).get(0);
    byte[] cut = Arrays.copyOf(photo, photo.length / 2 + 2);
    cut[cut.length - 2] = (byte) 0xff;
    cut[cut.length - 1] = (byte) 0xd9;
    JpegHeader header = ImageFixtures.header(cut);

    assertThat(TurboJpeg.decode(cut, header.width(), header.height(), 3, 4)).as("a warning stops the decode").isNull();
    ImageResult r = preprocessor.process(cut);
    assertThat(r.failure()).isEqualTo("corrupt");
    assertThat(r.message()).isEqualTo(preprocessor.processJdk(cut).message())
        .startsWith("JPEG image data is damaged: Corrupt JPEG data");
  }

  @Test
  void greyJpegsDecodeAsGrey() {
    BufferedImage grey = new BufferedImage(400, 300, BufferedImage.TYPE_BYTE_GRAY);
    Graphics2D g = grey.createGraphics();
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, 200, 300);
    g.setColor(Color.GRAY);
    g.fillRect(200, 0, 200, 300);
    g.dispose();
    byte[] jpeg = ImageFixtures.jpeg(grey, 0.9f, false);

    BufferedImage decoded = TurboJpeg.decode(jpeg, 400, 300, 1, 4);
    assertThat(decoded.getType()).isEqualTo(BufferedImage.TYPE_BYTE_GRAY);
    ImageResult fast = preprocessor.process(jpeg);
    assertThat(ImageFixtures.meanAbsoluteDifference(fast.rgb(), preprocessor.processPlain(jpeg).rgb())).isLessThan(2.0);
    ImageFixtures.assertPixel(fast, ImageSpec.DEFAULT, 10, 32, 255, 255, 255, 3);
    ImageFixtures.assertPixel(fast, ImageSpec.DEFAULT, 54, 32, 128, 128, 128, 3);
  }
}
