package io.catalogml.bench;

import io.catalogml.preprocess.image.ImagePreprocessor;
import io.catalogml.preprocess.image.ImageResult;
import io.catalogml.config.ImageSpec;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;

/**
 * Single-threaded decode benchmark of {@link ImagePreprocessor}: the full-decode baseline
 * ({@code processPlain}) against the JDK's subsampling fast path ({@code processJdk}) and the libjpeg-turbo
 * path ({@code process}), to {@link ImageSpec#DEFAULT},
 * on a folder of JPEGs as they are and on the same images upscaled (bilinear, JPEG quality 90, done in
 * memory before any timing). Each set is warmed up, then timed in several rounds; prints a Markdown table.
 *
 * <p>Usage: {@code ImageDecodeBenchmark FOLDER [UPSCALE_SIZE=500] [ROUNDS=3]}
 */
public final class ImageDecodeBenchmark {
  private static final int WARM_UP_IMAGES = 3_000;

  private final ImagePreprocessor preprocessor = new ImagePreprocessor(ImageSpec.DEFAULT);
  private final PrintStream out;
  private final int rounds;

  private ImageDecodeBenchmark(PrintStream out, int rounds) {
    this.out = out;
    this.rounds = rounds;
  }

  public static void main(String[] args) throws IOException {
    if (args.length < 1 || args.length > 3) {
      System.err.println("usage: ImageDecodeBenchmark FOLDER_OF_JPEGS [UPSCALE_SIZE=500] [ROUNDS=3]");
      System.exit(2);
    }
    Path folder = Path.of(args[0]);
    int size = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
    new ImageDecodeBenchmark(System.out, rounds).run(folder, size);
  }

  private void run(Path folder, int size) throws IOException {
    List<byte[]> originals = readJpegs(folder);
    if (originals.isEmpty()) {
      throw new IllegalArgumentException("no .jpg or .jpeg files in " + folder);
    }
    out.printf(Locale.ROOT, "%d JPEGs from %s (%.1f MB); upscaling each to %dx%d...%n", originals.size(), folder,
        megabytes(originals), size, size);
    long start = System.nanoTime();
    List<byte[]> upscaled = new ArrayList<>(originals.size());
    for (byte[] jpeg : originals) {
      upscaled.add(upscale(jpeg, size));
    }
    out.printf(Locale.ROOT, "upscaled in %.0f s (%.1f MB); JVM %s, %d cores, load average %.2f, %d rounds%n",
        (System.nanoTime() - start) / 1e9, megabytes(upscaled), System.getProperty("java.vm.version"),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage(), rounds);
    out.println();
    out.println("| images | path | images/s (best round) | images/s (median round) | ms/image (best) | failed | mean abs diff vs plain |");
    out.println("|---|---|---:|---:|---:|---:|---:|");
    measure(originals, "as they are");
    measure(upscaled, "upscaled to " + size + "x" + size);
  }

  private void measure(List<byte[]> images, String label) {
    String name = images.size() + " " + label;
    warmUp(images);
    Timing plain = time(images, preprocessor::processPlain);
    Timing jdk = time(images, preprocessor::processJdk);
    Timing fast = time(images, preprocessor::process);
    out.printf(Locale.ROOT, "| %s | plain: processPlain | %,.0f | %,.0f | %.3f | %d | |%n", name, plain.best(),
        plain.median(), 1000 / plain.best(), plain.failed());
    out.printf(Locale.ROOT, "| %s | JDK fast: processJdk | %,.0f | %,.0f | %.3f | %d | %.2f / 255 |%n", name,
        jdk.best(), jdk.median(), 1000 / jdk.best(), jdk.failed(), meanDifference(images, preprocessor::processJdk));
    out.printf(Locale.ROOT, "| %s | %s: process | %,.0f | %,.0f | %.3f | %d | %.2f / 255 |%n", name,
        ImagePreprocessor.turboJpeg() ? "libjpeg-turbo" : "fast (libjpeg-turbo not loaded)", fast.best(),
        fast.median(), 1000 / fast.best(), fast.failed(), meanDifference(images, preprocessor::process));
  }

  private void warmUp(List<byte[]> images) {
    for (int i = 0; i < WARM_UP_IMAGES; i++) {
      byte[] image = images.get(i % images.size());
      preprocessor.process(image);
      preprocessor.processJdk(image);
      preprocessor.processPlain(image);
    }
  }

  /**
   * Images per second of each round.
   *
   * @param perSecond sorted ascending
   * @param failed results that were not ok in the last round
   */
  private record Timing(double[] perSecond, int failed) {
    double best() {
      return perSecond[perSecond.length - 1];
    }

    double median() {
      return perSecond[perSecond.length / 2];
    }
  }

  private Timing time(List<byte[]> images, Function<byte[], ImageResult> path) {
    double[] perSecond = new double[rounds];
    int failed = 0;
    for (int round = 0; round < rounds; round++) {
      failed = 0;
      long start = System.nanoTime();
      for (byte[] image : images) {
        if (!path.apply(image).ok()) {
          failed++;
        }
      }
      perSecond[round] = images.size() / ((System.nanoTime() - start) / 1e9);
    }
    Arrays.sort(perSecond);
    return new Timing(perSecond, failed);
  }

  /** Mean absolute difference per channel value between a path's result and the plain one, over all images. */
  private double meanDifference(List<byte[]> images, Function<byte[], ImageResult> path) {
    double sum = 0;
    int compared = 0;
    for (byte[] image : images) {
      ImageResult fast = path.apply(image);
      ImageResult plain = preprocessor.processPlain(image);
      if (fast.ok() && plain.ok()) {
        long total = 0;
        for (int i = 0; i < fast.rgb().length; i++) {
          total += Math.abs((fast.rgb()[i] & 0xff) - (plain.rgb()[i] & 0xff));
        }
        sum += (double) total / fast.rgb().length;
        compared++;
      }
    }
    return compared == 0 ? Double.NaN : sum / compared;
  }

  private static List<byte[]> readJpegs(Path folder) throws IOException {
    List<byte[]> images = new ArrayList<>();
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : files.sorted().toList()) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        if (name.endsWith(".jpg") || name.endsWith(".jpeg")) {
          images.add(Files.readAllBytes(file));
        }
      }
    }
    return images;
  }

  private static byte[] upscale(byte[] jpeg, int size) throws IOException {
    BufferedImage source = ImageIO.read(new ByteArrayInputStream(jpeg));
    if (source == null) {
      throw new IOException("cannot decode an image to upscale (" + jpeg.length + " bytes)");
    }
    BufferedImage scaled = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = scaled.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
      g.drawImage(source, 0, 0, size, size, null);
    } finally {
      g.dispose();
    }
    return jpeg90(scaled);
  }

  private static byte[] jpeg90(BufferedImage image) throws IOException {
    Iterator<ImageWriter> writers = ImageIO.getImageWritersByFormatName("jpeg");
    ImageWriter writer = writers.next();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.9f);
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream stream = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(stream);
      writer.write(null, new IIOImage(image, null, null), param);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  private static double megabytes(List<byte[]> images) {
    return images.stream().mapToLong(b -> b.length).sum() / 1e6;
  }
}
