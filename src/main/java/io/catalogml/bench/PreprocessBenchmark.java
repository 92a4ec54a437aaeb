package io.catalogml.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.catalogml.config.CatalogConfig;
import io.catalogml.core.Stage;
import io.catalogml.core.StageResult;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.Lake;
import io.catalogml.preprocess.ImageColumns;
import io.catalogml.preprocess.PreprocessResult;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.preprocess.image.ImagePreprocessor;
import io.catalogml.preprocess.text.TextPipeline;
import io.catalogml.spark.SparkSessions;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;

/**
 * Preprocessing throughput on Spark against a plain single-thread baseline: titles/s of the text
 * pipeline, images/s of the image features for the drop's own JPEGs and for the same images
 * upscaled to 500×500. The drop is ingested and preprocessed once first (not timed), so the
 * timed phases measure warm executors doing only the work named. Then, on one thread from bytes in
 * memory, each decoder against Pillow on the same files: the JDK's reader ({@code processJdk}),
 * libjpeg-turbo ({@code process}) and Pillow's draft-mode decode (a Python subprocess).
 */
public final class PreprocessBenchmark implements Stage<PreprocessBenchmark.Result> {
  /**
   * Benchmark numbers (per second) and what they were measured on.
   *
   * @param job always {@code bench-preprocess}
   * @param master Spark master used
   * @param cores cores available
   * @param titles titles encoded (products with a title; an image-only catalogue has none, and NaN rates)
   * @param sparkTitlesPerSecond text pipeline on Spark
   * @param baselineTitlesPerSecond the same pipeline, one thread, no Spark
   * @param images drop images processed
   * @param sparkImagesPerSecond image features on Spark (fast path)
   * @param baselineImagesPerSecond plain full decode + resize, one thread
   * @param largeImages 500×500 images processed
   * @param sparkLargeImagesPerSecond the same on Spark
   * @param baselineLargeImagesPerSecond plain full decode, one thread
   * @param firstPreprocessSeconds the untimed-phase preprocess of the whole drop, for reference
   * @param decoders one thread, bytes in memory: the drop's images, then the 500×500 ones
   */
  public record Result(String job, String master, int cores, long titles, double sparkTitlesPerSecond,
      double baselineTitlesPerSecond, long images, double sparkImagesPerSecond, double baselineImagesPerSecond,
      long largeImages, double sparkLargeImagesPerSecond, double baselineLargeImagesPerSecond,
      double firstPreprocessSeconds, List<Decoders> decoders) implements StageResult {}

  /**
   * One image set decoded on one thread by each decoder, images/s.
   *
   * @param images what was decoded
   * @param jdk the JDK's reader, subsampling ({@code processJdk})
   * @param turbo {@code process}: libjpeg-turbo where libturbojpeg is installed
   * @param turboLoaded whether libturbojpeg was loaded (else {@code turbo} measured the JDK's reader too)
   * @param pillow Pillow on the same files; NaN when not measured
   * @param pillowVersion Pillow and its libjpeg-turbo, or why Pillow was not measured
   */
  public record Decoders(String images, double jdk, double turbo, boolean turboLoaded, double pillow,
      String pillowVersion) {}

  private final CatalogConfig config;
  private final Path scratch;
  private final int largeCount;
  private final String python;
  private final PrintStream table;

  /** @param python a Python with Pillow, for Pillow's figure */
  public PreprocessBenchmark(CatalogConfig config, Path scratch, int largeCount, String python, PrintStream table) {
    this.config = config;
    this.scratch = scratch;
    this.largeCount = largeCount;
    this.python = python;
    this.table = table;
  }

  @Override
  public Result execute() {
    SparkSession spark = SparkSessions.create(config.spark(), "bench-preprocess");
    Lake lake = Lake.of(config);
    new IngestStage(spark, config).execute();
    PreprocessResult first = new PreprocessStage(spark, config, false).execute();
    TextPipeline text = PreprocessStage.storedPipeline(spark, lake.features(), first.textPipelineId());
    Dataset<Row> products = spark.read().format("delta").load(lake.products()).cache();
    long n = products.count();

    List<String> titles = products.select("title").as(org.apache.spark.sql.Encoders.STRING()).collectAsList()
        .stream().filter(java.util.Objects::nonNull).toList();
    Dataset<Row> titled = products.where(col("title").isNotNull());
    double sparkTitles = titles.isEmpty() ? Double.NaN : titles.size() / time(() -> titled.select(
        udf((UDF1<String, int[]>) text::encodeTitle, DataTypes.createArrayType(DataTypes.IntegerType))
            .apply(col("title")).as("ids")).where(col("ids").isNotNull()).count());
    double baselineTitles = titles.isEmpty() ? Double.NaN
        : titles.size() / time(() -> titles.forEach(text::encodeTitle));

    ImagePreprocessor images = new ImagePreprocessor(config.preprocess().image());
    double sparkImages = n / time(() -> ImageColumns.add(products, config.preprocess().image())
        .where(col("image_ok")).count());
    List<Path> files = paths(products.select("image_uri").as(org.apache.spark.sql.Encoders.STRING()).collectAsList());
    List<byte[]> bytes = readAll(files);
    double baselineImages = bytes.size() / time(() -> bytes.forEach(images::processPlain));

    List<byte[]> large = upscale(bytes.subList(0, Math.min(largeCount, bytes.size())), 500);
    List<String> largeUris = write(large);
    Dataset<Row> largeRows = spark.createDataset(largeUris, org.apache.spark.sql.Encoders.STRING())
        .toDF("image_uri").withColumn("image_status", org.apache.spark.sql.functions.lit("ok"))
        .repartition(spark.sparkContext().defaultParallelism()).cache();
    largeRows.count();
    double sparkLarge = large.size() / time(() -> ImageColumns.add(largeRows, config.preprocess().image())
        .where(col("image_ok")).count());
    double baselineLarge = large.size() / time(() -> large.forEach(images::processPlain));
    List<Decoders> decoders = List.of(
        decoders("drop images", images, bytes, files),
        decoders("500x500 JPEGs", images, large, paths(largeUris)));

    Result r = new Result("bench-preprocess", spark.sparkContext().master(),
        Runtime.getRuntime().availableProcessors(), titles.size(), sparkTitles, baselineTitles, n, sparkImages,
        baselineImages, large.size(), sparkLarge, baselineLarge, first.seconds(), decoders);
    print(r);
    spark.stop();
    return r;
  }

  private Decoders decoders(String what, ImagePreprocessor images, List<byte[]> bytes, List<Path> files) {
    double jdk = bytes.size() / time(() -> bytes.forEach(images::processJdk));
    double turbo = bytes.size() / time(() -> bytes.forEach(images::process));
    PillowFigure pillow = PillowFigure.measure(python, files, images.spec(), scratch);
    return new Decoders(bytes.size() + " " + what, jdk, turbo, ImagePreprocessor.turboJpeg(), pillow.imagesPerSecond(),
        pillow.version());
  }

  private void print(Result r) {
    table.printf(Locale.ROOT, "preprocess benchmark: master %s, %d cores; first preprocess of the drop %.1f s%n",
        r.master(), r.cores(), r.firstPreprocessSeconds());
    table.println("| work | items | Spark /s | baseline (1 thread, plain) /s | speed-up |");
    table.println("|---|---:|---:|---:|---:|");
    row("titles → ids", r.titles(), r.sparkTitlesPerSecond(), r.baselineTitlesPerSecond());
    row("drop images → 64x64 RGB", r.images(), r.sparkImagesPerSecond(), r.baselineImagesPerSecond());
    row("500x500 JPEGs → 64x64 RGB", r.largeImages(), r.sparkLargeImagesPerSecond(), r.baselineLargeImagesPerSecond());
    table.println();
    table.println("decoders, one thread, bytes in memory → " + config.preprocess().image().width() + "x"
        + config.preprocess().image().height() + " RGB (" + r.decoders().get(0).pillowVersion() + "):");
    table.println("| images | JDK reader (processJdk) /s | libjpeg-turbo (process) /s | Pillow, draft /s | process ÷ Pillow |");
    table.println("|---|---:|---:|---:|---:|");
    for (Decoders d : r.decoders()) {
      table.printf(Locale.ROOT, "| %s | %.0f | %.0f%s | %s | %s |%n", d.images(), d.jdk(), d.turbo(),
          d.turboLoaded() ? "" : " (libturbojpeg not installed: JDK reader)",
          Double.isNaN(d.pillow()) ? "not measured" : String.format(Locale.ROOT, "%.0f", d.pillow()),
          Double.isNaN(d.pillow()) ? "" : String.format(Locale.ROOT, "%.2f×", d.turbo() / d.pillow()));
    }
  }

  private void row(String what, long items, double spark, double baseline) {
    table.printf(Locale.ROOT, "| %s | %d | %.0f | %.0f | %.2f× |%n", what, items, spark, baseline, spark / baseline);
  }

  /** Seconds taken by the work, best of three runs after one warm-up. */
  private static double time(Runnable work) {
    work.run();
    double best = Double.MAX_VALUE;
    for (int i = 0; i < 3; i++) {
      long t = System.nanoTime();
      work.run();
      best = Math.min(best, (System.nanoTime() - t) / 1e9);
    }
    return best;
  }

  /** The local files that {@code file:} URIs name; null URIs (products without an image) are left out. */
  private static List<Path> paths(List<String> uris) {
    return uris.stream().filter(java.util.Objects::nonNull).map(uri -> Path.of(java.net.URI.create(uri))).toList();
  }

  private static List<byte[]> readAll(List<Path> files) {
    List<byte[]> out = new ArrayList<>();
    for (Path file : files) {
      try {
        out.add(Files.readAllBytes(file));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private static List<byte[]> upscale(List<byte[]> jpegs, int size) {
    List<byte[]> out = new ArrayList<>();
    for (byte[] jpeg : jpegs) {
      try {
        BufferedImage src = ImageIO.read(new ByteArrayInputStream(jpeg));
        BufferedImage big = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = big.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(src, 0, 0, size, size, null);
        g.dispose();
        java.io.ByteArrayOutputStream buf = new java.io.ByteArrayOutputStream();
        ImageIO.write(big, "jpeg", buf);
        out.add(buf.toByteArray());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return out;
  }

  private List<String> write(List<byte[]> images) {
    try {
      Path folder = Files.createDirectories(scratch.resolve("images-500"));
      List<String> uris = new ArrayList<>();
      for (int i = 0; i < images.size(); i++) {
        Path p = Files.write(folder.resolve(i + ".jpg"), images.get(i));
        uris.add(p.toUri().toString());
      }
      return uris;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

}
