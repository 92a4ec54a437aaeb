package io.catalogml.preprocess.image;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/**
 * Reads the bytes of one image file so that no file can take an executor down: on the local
 * file system the path is resolved with every link followed and must stay inside the image root
 * and be a regular file (a link to {@code /etc/passwd} or {@code /dev/zero}, a FIFO or a device
 * is refused before it is opened), and no more than a given number of bytes is ever read. The
 * one place ingest (inspection) and preprocess (decoding) read image files.
 */
public final class ImageFiles {
  /**
   * What preprocess reads of one image at most, whatever {@code ingest.max-image-bytes} was when it
   * was ingested: a file swapped for a larger one after ingest cannot exhaust an executor.
   */
  public static final long PREPROCESS_MAX_BYTES = 256L << 20;

  /** How a read ended. */
  public enum Outcome {
    /** The bytes were read. */
    OK,
    /** No such file (or a link to none). */
    MISSING,
    /** A folder. */
    FOLDER,
    /** The real path leaves the image root, or is not a regular file (device, FIFO, socket). */
    ESCAPE,
    /** Larger than the limit; nothing past the limit was read. */
    TOO_LARGE,
    /** The file system refused the read. */
    UNREADABLE
  }

  /**
   * The result of {@link #read}.
   *
   * @param outcome how it ended
   * @param bytes the file's bytes when {@link Outcome#OK}, else null
   * @param detail what went wrong, in words that finish "the file ..." (null when OK)
   */
  public record Read(Outcome outcome, byte[] bytes, String detail) {
    static Read failed(Outcome outcome, String detail) {
      return new Read(outcome, null, detail);
    }
  }

  private ImageFiles() {}

  /**
   * Reads {@code file}.
   *
   * @param root the folder the file must stay in once links are resolved, or null to only
   *     require a regular file (preprocess, whose paths ingest already checked)
   * @param maxBytes the most bytes read; a larger file gives {@link Outcome#TOO_LARGE}
   */
  public static Read read(FileSystem fs, Path file, Path root, long maxBytes) {
    try {
      if ("file".equals(file.toUri().getScheme())) {
        return readLocal(java.nio.file.Path.of(file.toUri()),
            root == null ? null : java.nio.file.Path.of(root.toUri()), maxBytes);
      }
      FileStatus status = fs.getFileStatus(file);
      if (status.isDirectory()) {
        return Read.failed(Outcome.FOLDER, "is a folder, not a file");
      }
      if (!status.isFile()) {
        return Read.failed(Outcome.ESCAPE, "is not a regular file");
      }
      if (status.getLen() > maxBytes) {
        return tooLarge(String.format("has %,d bytes", status.getLen()), maxBytes);
      }
      try (InputStream in = fs.open(file)) {
        return bounded(in, maxBytes);
      }
    } catch (FileNotFoundException | NoSuchFileException e) {
      return Read.failed(Outcome.MISSING, "does not exist");
    } catch (IOException | SecurityException e) {
      return Read.failed(Outcome.UNREADABLE, "cannot be read: " + e.getMessage());
    }
  }

  private static Read readLocal(java.nio.file.Path file, java.nio.file.Path root, long maxBytes) throws IOException {
    if (!Files.exists(file, LinkOption.NOFOLLOW_LINKS)) {
      return Read.failed(Outcome.MISSING, "does not exist");
    }
    java.nio.file.Path real;
    try {
      real = file.toRealPath();
    } catch (NoSuchFileException e) {
      return Read.failed(Outcome.MISSING, "is a link to " + Files.readSymbolicLink(file) + ", which does not exist");
    }
    if (root != null && !real.startsWith(root.toRealPath())) {
      return Read.failed(Outcome.ESCAPE, "resolves to " + real + ", outside the image root " + root.toRealPath()
          + " (a link out of the folder is not followed)");
    }
    if (Files.isDirectory(real)) {
      return Read.failed(Outcome.FOLDER, "is a folder, not a file");
    }
    if (!Files.isRegularFile(real)) {
      return Read.failed(Outcome.ESCAPE, "resolves to " + real + ", which is not a regular file (a device, FIFO"
          + " or socket is never read)");
    }
    long size = Files.size(real);
    if (size > maxBytes) {
      return tooLarge(String.format("has %,d bytes", size), maxBytes);
    }
    try (InputStream in = Files.newInputStream(real)) {
      return bounded(in, maxBytes);
    }
  }

  /** Reads at most {@code maxBytes}; one byte more means the file grew past the limit while it was read. */
  private static Read bounded(InputStream in, long maxBytes) throws IOException {
    byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, maxBytes + 1));
    if (bytes.length > maxBytes) {
      return tooLarge("grew past the limit while it was read", maxBytes);
    }
    return new Read(Outcome.OK, bytes, null);
  }

  private static Read tooLarge(String what, long maxBytes) {
    return Read.failed(Outcome.TOO_LARGE, String.format("%s, over the limit of %,d bytes", what, maxBytes));
  }
}
