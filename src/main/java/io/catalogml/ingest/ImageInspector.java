package io.catalogml.ingest;

import io.catalogml.preprocess.image.ImageFiles;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.Serializable;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HexFormat;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Checks one product image on an executor: resolves its path safely under the image root
 * ({@link ImageFiles}: links followed, regular files only, at most {@code maxBytes}),
 * reads its bytes once (size, sha256) and reads width and height from the header only, without
 * decoding pixels. Runs as a Spark UDF returning {@link #SCHEMA}.
 */
public final class ImageInspector implements UDF1<String, Row>, Serializable {
  /** Outcome of an inspection, stored in the {@code status} field. */
  public enum Status { OK, NONE, MISSING, UNREADABLE, NOT_AN_IMAGE, PATH_ESCAPE, TOO_LARGE }

  /** The struct the UDF returns. */
  public static final StructType SCHEMA = new StructType()
      .add("status", DataTypes.StringType, false)
      .add("message", DataTypes.StringType)
      .add("uri", DataTypes.StringType)
      .add("size", DataTypes.LongType)
      .add("sha256", DataTypes.StringType)
      .add("width", DataTypes.IntegerType)
      .add("height", DataTypes.IntegerType)
      .add("format", DataTypes.StringType);

  private final String root;
  private final long maxBytes;
  private transient FileSystem fs;

  /**
   * @param root fully qualified URI of the image root folder
   * @param maxBytes the most bytes read of one image ({@code ingest.max-image-bytes})
   */
  public ImageInspector(String root, long maxBytes) {
    this.root = root;
    this.maxBytes = maxBytes;
  }

  @Override
  public Row call(String ref) {
    if (ref == null || ref.isBlank()) {
      return result(Status.NONE, "no image path given", null);
    }
    String relative = normalise(ref.trim());
    if (relative == null) {
      return result(Status.PATH_ESCAPE, "image path '" + ref + "' is absolute or leaves the image root " + root
          + "; image paths must be relative and stay inside source.image-root", null);
    }
    Path path = new Path(root + "/" + relative);
    ImageFiles.Read read;
    try {
      read = ImageFiles.read(fs(), path, new Path(root), maxBytes);
    } catch (IOException e) {
      return result(Status.UNREADABLE, "image file '" + ref + "' cannot be read: " + e.getMessage(), path.toString());
    }
    String what = "image file '" + ref + "' ";
    switch (read.outcome()) {
      case OK -> { }
      case MISSING -> {
        return result(Status.MISSING, what + read.detail() + " under " + root, path.toString());
      }
      case FOLDER -> {
        return result(Status.UNREADABLE, "image path '" + ref + "' " + read.detail(), path.toString());
      }
      case ESCAPE -> {
        return result(Status.PATH_ESCAPE, what + read.detail() + "; image files must be regular files inside"
            + " source.image-root", path.toString());
      }
      case TOO_LARGE -> {
        return result(Status.TOO_LARGE, what + read.detail() + " (ingest.max-image-bytes); shrink the image or"
            + " raise the limit", path.toString());
      }
      default -> {
        return result(Status.UNREADABLE, what + read.detail(), path.toString());
      }
    }
    byte[] bytes = read.bytes();
    return inspectBytes(ref, path.toString(), bytes);
  }

  private Row inspectBytes(String ref, String uri, byte[] bytes) {
    String sha = sha256(bytes);
    try (ImageInputStream iis = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = iis == null ? null : ImageIO.getImageReaders(iis);
      if (readers == null || !readers.hasNext()) {
        return new RowBuilder(Status.NOT_AN_IMAGE, "file '" + ref + "' (" + bytes.length
            + " bytes) is not in an image format catalog-ml can read (JPEG, PNG, GIF, BMP, TIFF)", uri)
            .bytes(bytes.length, sha).row();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(iis, true, true);
        int width = reader.getWidth(0);
        int height = reader.getHeight(0);
        return new RowBuilder(Status.OK, null, uri).bytes(bytes.length, sha)
            .header(width, height, reader.getFormatName().toLowerCase(java.util.Locale.ROOT)).row();
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      return new RowBuilder(Status.UNREADABLE, "image file '" + ref + "' has a corrupt header: " + e, uri)
          .bytes(bytes.length, sha).row();
    }
  }

  /** Returns the normalised relative path, or null if it is absolute or climbs above the root. */
  static String normalise(String ref) {
    if (ref.startsWith("/") || ref.startsWith("\\") || ref.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return null;
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String part : ref.split("[/\\\\]")) {
      if (part.isEmpty() || part.equals(".")) {
        continue;
      }
      if (part.equals("..")) {
        if (parts.isEmpty()) {
          return null;
        }
        parts.removeLast();
      } else {
        parts.addLast(part);
      }
    }
    return parts.isEmpty() ? null : String.join("/", parts);
  }

  private FileSystem fs() throws IOException {
    if (fs == null) {
      fs = new Path(root).getFileSystem(new Configuration());
    }
    return fs;
  }

  private static Row result(Status status, String message, String uri) {
    return new RowBuilder(status, message, uri).row();
  }

  private static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static final class RowBuilder {
    private final Object[] values = new Object[SCHEMA.size()];

    RowBuilder(Status status, String message, String uri) {
      values[0] = status.name().toLowerCase(java.util.Locale.ROOT);
      values[1] = message;
      values[2] = uri;
    }

    RowBuilder bytes(long size, String sha) {
      values[3] = size;
      values[4] = sha;
      return this;
    }

    RowBuilder header(int width, int height, String format) {
      values[5] = width;
      values[6] = height;
      values[7] = format;
      return this;
    }

    Row row() {
      return RowFactory.create(values);
    }
  }

  static {
    ImageIO.setUseCache(false);
  }
}
