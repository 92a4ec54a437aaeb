package io.catalogml.maintain;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.TreeMap;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocatedFileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RemoteIterator;
import org.apache.spark.sql.SparkSession;

/**
 * The data files in a Delta table's folder, listed the way VACUUM sees them: the transaction log
 * and other folders whose name starts with {@code _} or {@code .} are not data (silver's
 * {@code _text_pipelines/} among them, which VACUUM leaves alone), except the change data feed's
 * {@code _change_data/}. Hadoop's checksum files are not listed.
 */
final class TableFiles {
  private TableFiles() {}

  /** Every data file under {@code location}: its path (as Hadoop gives it) and length. */
  static Map<String, Long> list(SparkSession spark, String location) {
    Path root = new Path(location);
    Map<String, Long> files = new TreeMap<>();
    try {
      FileSystem fs = root.getFileSystem(spark.sparkContext().hadoopConfiguration());
      if (!fs.exists(root)) {
        return files;
      }
      Path qualified = fs.makeQualified(root);
      RemoteIterator<LocatedFileStatus> it = fs.listFiles(qualified, true);
      while (it.hasNext()) {
        LocatedFileStatus f = it.next();
        String relative = qualified.toUri().relativize(f.getPath().toUri()).getPath();
        if (!hidden(relative)) {
          files.put(f.getPath().toString(), f.getLen());
        }
      }
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + location, e);
    }
  }

  /** Whether a path relative to the table's folder lies in a folder (or is a file) Delta keeps out of VACUUM. */
  static boolean hidden(String relative) {
    for (String part : relative.split("/")) {
      if ((part.startsWith("_") || part.startsWith(".")) && !part.startsWith("_change_data")) {
        return true;
      }
    }
    return false;
  }

  /** The total of {@code files}' lengths. */
  static long bytes(Map<String, Long> files) {
    return files.values().stream().mapToLong(Long::longValue).sum();
  }
}
