package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.ImageSpec.Fit;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Function;
import java.util.stream.DoubleStream;
import org.junit.jupiter.api.Test;

/** The fast paths (libjpeg-turbo's and the JDK's) against the full-decode baseline, on real product photos. */
class FastPathTest {
  @Test
  void subsamplingIsTheLargestPeriodThatKeepsEnoughPixels() {
    assertThat(Placement.subsampling(60, 80, 64, 64, Fit.PAD)).isEqualTo(1);
    assertThat(Placement.subsampling(500, 500, 64, 64, Fit.PAD)).isEqualTo(7);
    assertThat(Placement.subsampling(640, 640, 64, 64, Fit.PAD)).isEqualTo(10);
    assertThat(Placement.subsampling(639, 639, 64, 64, Fit.PAD)).isEqualTo(9);
    assertThat(Placement.subsampling(500, 300, 64, 64, Fit.PAD)).isEqualTo(7);
    assertThat(Placement.subsampling(500, 300, 64, 64, Fit.CROP)).isEqualTo(4);
    assertThat(Placement.subsampling(4000, 100, 64, 64, Fit.CROP)).isEqualTo(1);
  }

  @Test
  void subsampledSourcesAreNeverUpscaledByTheFit() {
    Random random = new Random(7);
    for (int i = 0; i < 20_000; i++) {
      int sw = 1 + random.nextInt(5000);
      int sh = 1 + random.nextInt(5000);
      int tw = 1 + random.nextInt(300);
      int th = 1 + random.nextInt(300);
      Fit fit = random.nextBoolean() ? Fit.PAD : Fit.CROP;
      int s = Placement.subsampling(sw, sh, tw, th, fit);
      int subWidth = (sw + s - 1) / s;
      int subHeight = (sh + s - 1) / s;
      Placement p = Placement.of(subWidth, subHeight, tw, th, fit);
      String c = sw + "x" + sh + " -> " + tw + "x" + th + " " + fit + ", s=" + s;
      if (s > 1) {
        assertThat(p.srcWidth()).as(c).isGreaterThanOrEqualTo(p.dstWidth());
        assertThat(p.srcHeight()).as(c).isGreaterThanOrEqualTo(p.dstHeight());
      }
      double scale = fit == Fit.PAD ? Math.min((double) tw / sw, (double) th / sh)
          : Math.max((double) tw / sw, (double) th / sh);
      assertThat((s + 1) * scale).as(c + ": s + 1 would upscale").isGreaterThan(1 - 1e-9);
    }
  }

  /**
   * 60x80 into 64x64 needs no subsampling, decoding an sRGB-profiled photo as sRGB changes no pixel, and
   * libjpeg-turbo's full decode gives the JDK reader's pixels.
   */
  @Test
  void atTheSamplesOwnSizeAllPathsAreIdentical() {
    ImagePreprocessor p = new ImagePreprocessor(ImageSpec.DEFAULT);
    for (byte[] photo : ImageFixtures.samplePhotos(200)) {
      byte[] plain = p.processPlain(photo).rgb();
      assertThat(p.process(photo).rgb()).isEqualTo(plain);
      assertThat(p.processJdk(photo).rgb()).isEqualTo(plain);
    }
  }

  @Test
  void onPhotosUpscaledTo500TheFastPathIsCloseToTheBaseline() {
    List<byte[]> big = ImageFixtures.samplePhotos(40).stream().map(photo -> ImageFixtures.upscaled(photo, 500)).toList();
    for (ImageSpec spec : List.of(ImageSpec.DEFAULT, new ImageSpec(64, 64, Fit.CROP), new ImageSpec(100, 60, Fit.PAD))) {
      ImagePreprocessor p = new ImagePreprocessor(spec);
      for (Function<byte[], ImageResult> fast : List.<Function<byte[], ImageResult>>of(p::process, p::processJdk)) {
        double[] differences = big.stream()
            .mapToDouble(photo -> ImageFixtures.meanAbsoluteDifference(fast.apply(photo).rgb(), p.processPlain(photo).rgb()))
            .toArray();
        assertThat(DoubleStream.of(differences).max().orElseThrow()).as(spec + ": worst photo").isLessThan(8.0);
        assertThat(DoubleStream.of(differences).average().orElseThrow()).as(spec + ": mean").isLessThan(4.0);
      }
    }
  }

  @Test
  void oneInstanceIsSafeToShareBetweenThreads() throws Exception {
    ImagePreprocessor p = new ImagePreprocessor(ImageSpec.DEFAULT);
    List<byte[]> photos = new ArrayList<>(ImageFixtures.samplePhotos(60));
    photos.add(ImageFixtures.upscaled(photos.get(0), 500));
    photos.add(ImageFixtures.resource("cmyk_quadrants.jpg"));
    photos.add(ImageFixtures.resource("exif_orientation_6.jpg"));
    List<byte[]> expected = photos.stream().map(photo -> p.process(photo).rgb()).toList();

    ExecutorService pool = Executors.newFixedThreadPool(4);
    try {
      List<Future<List<byte[]>>> runs = new ArrayList<>();
      for (int t = 0; t < 4; t++) {
        runs.add(pool.submit(() -> photos.stream().map(photo -> p.process(photo).rgb()).toList()));
      }
      for (Future<List<byte[]>> run : runs) {
        List<byte[]> actual = run.get();
        for (int i = 0; i < photos.size(); i++) {
          assertThat(actual.get(i)).isEqualTo(expected.get(i));
        }
      }
    } finally {
      pool.shutdownNow();
    }
  }
}
