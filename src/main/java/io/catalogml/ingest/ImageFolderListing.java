package io.catalogml.ingest;

import io.catalogml.core.CatalogErrors;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The files of an image-folder drop, listed on the driver in path order: one row per file with
 * its relative path, its parent folder's name, its file name and its URI. Names starting with
 * {@code .} or {@code _} are skipped (as Spark's file sources skip them), at any depth. On the
 * local file system links are listed as files and never followed into folders (a link loop cannot
 * hang the listing); {@link ImageInspector} then refuses any that leads out of the folder.
 */
final class ImageFolderListing {
  private ImageFolderListing() {}

  static List<Row> list(Path input, Configuration hadoop) {
    List<Row> rows = new ArrayList<>();
    try {
      if ("file".equals(input.toUri().getScheme())) {
        java.nio.file.Path root = java.nio.file.Path.of(input.toUri());
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(java.nio.file.Path dir, BasicFileAttributes attrs) {
            return !dir.equals(root) && hidden(dir.getFileName().toString())
                ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(java.nio.file.Path file, BasicFileAttributes attrs) {
            if (!hidden(file.getFileName().toString())) {
              rows.add(row(root.relativize(file).toString().replace('\\', '/'), file.toUri().toString()));
            }
            return FileVisitResult.CONTINUE;
          }
        });
      } else {
        FileSystem fs = input.getFileSystem(hadoop);
        String prefix = fs.makeQualified(input).toUri().getPath();
        RemoteIterator<LocatedFileStatus> it = fs.listFiles(input, true);
        while (it.hasNext()) {
          Path p = it.next().getPath();
          String relative = p.toUri().getPath().substring(prefix.length()).replaceFirst("^/", "");
          if (java.util.Arrays.stream(relative.split("/")).noneMatch(ImageFolderListing::hidden)) {
            rows.add(row(relative, p.toString()));
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (rows.isEmpty()) {
      throw CatalogErrors.emptyImageFolder(input.toString());
    }
    rows.sort(java.util.Comparator.comparing(r -> r.getString(0)));
    return rows;
  }

  private static Row row(String relative, String uri) {
    int slash = relative.lastIndexOf('/');
    String name = relative.substring(slash + 1);
    String folder = slash < 0 ? "" : relative.substring(relative.lastIndexOf('/', slash - 1) + 1, slash);
    return RowFactory.create(relative, folder, name, uri);
  }

  private static boolean hidden(String name) {
    return name.startsWith(".") || name.startsWith("_");
  }
}
