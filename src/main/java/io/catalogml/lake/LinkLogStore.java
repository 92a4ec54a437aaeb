package io.catalogml.lake;

import io.delta.storage.HadoopFileSystemLogStore;
import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.Iterator;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;

/**
 * Delta's log store for a lake on a local or shared POSIX file system ({@code file:} paths), safe
 * between processes. Delta's own {@code LocalLogStore} locks within one JVM, then checks that the
 * commit file is absent and renames its temporary file onto it; two jobs committing the same
 * version at once can both pass the check, and the second rename silently replaces the first
 * commit (seen as a checksum error on version 0 when two ingests created one lake together). Here
 * the commit file is a hard link to the complete temporary file: {@code link(2)} fails when the
 * name exists, so exactly one job gets each version and the other gets the
 * {@link FileAlreadyExistsException} that makes Delta retry its transaction on the next version.
 * An overwrite (only {@code _last_checkpoint}) is an atomic rename, and drops the Hadoop checksum
 * file that an earlier writer may have left beside it. Reading and listing are Delta's.
 */
public class LinkLogStore extends HadoopFileSystemLogStore {
  /** Called by Delta with the session's Hadoop configuration. */
  public LinkLogStore(Configuration hadoopConf) {
    super(hadoopConf);
  }

  @Override
  public void write(Path path, Iterator<String> actions, Boolean overwrite, Configuration hadoopConf)
      throws IOException {
    java.nio.file.Path target = Paths.get(path.toUri());
    Files.createDirectories(target.getParent());
    java.nio.file.Path temp = target.resolveSibling("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
    try {
      try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
        while (actions.hasNext()) {
          out.write(actions.next());
          out.write('\n');
        }
      }
      if (Boolean.TRUE.equals(overwrite)) {
        Files.deleteIfExists(checksumOf(target));
        Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
      } else {
        try {
          Files.createLink(target, temp);
        } catch (FileAlreadyExistsException e) {
          throw new FileAlreadyExistsException(path.toString());
        } catch (UnsupportedOperationException e) {
          // A file system without hard links: a move that refuses an existing name, as Delta's own store does.
          Files.move(temp, target);
        }
      }
    } finally {
      Files.deleteIfExists(temp);
    }
  }

  @Override
  public Boolean isPartialWriteVisible(Path path, Configuration hadoopConf) {
    return false;
  }

  /** Hadoop's checksum file of a file written through its local file system: {@code .NAME.crc}. */
  static java.nio.file.Path checksumOf(java.nio.file.Path file) {
    return file.resolveSibling("." + file.getFileName() + ".crc");
  }
}
