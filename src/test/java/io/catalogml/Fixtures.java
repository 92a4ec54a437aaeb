package io.catalogml;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.imageio.ImageIO;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Test data built in code, and readers for the tables the jobs write. */
public final class Fixtures {
  private Fixtures() {}

  /** Writes a real JPEG (or PNG when the name ends in .png) of the given size. */
  public static Path image(Path file, int width, int height, Color color) {
    try {
      Files.createDirectories(file.getParent());
      BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = img.createGraphics();
      g.setColor(color);
      g.fillRect(0, 0, width, height);
      g.setColor(Color.WHITE);
      g.drawLine(0, 0, width - 1, height - 1);
      g.dispose();
      String format = file.toString().endsWith(".png") ? "png" : "jpeg";
      if (!ImageIO.write(img, format, file.toFile())) {
        throw new IllegalStateException("no writer for " + format);
      }
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes text as UTF-8, exactly as given (line ends included). */
  public static Path write(Path file, String text) {
    return write(file, text.getBytes(StandardCharsets.UTF_8));
  }

  public static Path write(Path file, byte[] bytes) {
    try {
      Files.createDirectories(file.getParent());
      return Files.write(file, bytes);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Copies a folder tree (the bundled sample into a test's own folder, say). */
  public static Path copyTree(Path from, Path to) {
    try (var paths = Files.walk(from)) {
      for (Path p : (Iterable<Path>) paths::iterator) {
        Path target = to.resolve(from.relativize(p).toString());
        if (Files.isDirectory(p)) {
          Files.createDirectories(target);
        } else {
          Files.copy(p, target);
          target.toFile().setWritable(true);
        }
      }
      return to;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public static String sha256(Path file) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Rows of a Delta table keyed by a string column. */
  public static Map<String, Row> byKey(SparkSession spark, String location, String key) {
    Map<String, Row> rows = new TreeMap<>();
    for (Row r : spark.read().format("delta").load(location).collectAsList()) {
      rows.put(r.getAs(key), r);
    }
    return rows;
  }
}
