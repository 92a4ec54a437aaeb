package io.catalogml.lake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.SparkTestBase;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.hadoop.conf.Configuration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The log store every job commits a {@code file:} lake through: of two writers of one version
 * exactly one wins and its commit is the one on disk, an overwrite replaces, nothing temporary is
 * left, and Spark's Delta uses it.
 */
class LinkLogStoreTest extends SparkTestBase {
  @TempDir
  Path dir;

  private static org.apache.hadoop.fs.Path hadoop(Path p) {
    return new org.apache.hadoop.fs.Path(p.toUri());
  }

  @Test
  void ofTwoWritersOfOneVersionExactlyOneWinsAndItsCommitIsTheOneOnDisk() throws Exception {
    Configuration conf = new Configuration();
    // Two stores, as two jobs have: nothing shared but the file system.
    LinkLogStore a = new LinkLogStore(conf);
    LinkLogStore b = new LinkLogStore(conf);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      for (int version = 0; version < 200; version++) {
        Path commit = dir.resolve("_delta_log").resolve(String.format("%020d.json", version));
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Boolean>> writers = new ArrayList<>();
        for (LinkLogStore store : List.of(a, b)) {
          String who = store == a ? "a" : "b";
          writers.add(pool.submit(() -> {
            start.await();
            try {
              store.write(hadoop(commit), List.of("{\"writer\":\"" + who + "\"}", "{\"n\":1}").iterator(), false,
                  conf);
              return true;
            } catch (FileAlreadyExistsException e) {
              return false;
            }
          }));
        }
        start.countDown();
        boolean aWon = writers.get(0).get();
        boolean bWon = writers.get(1).get();
        assertThat(aWon ^ bWon).as("version %d: exactly one writer", version).isTrue();
        assertThat(Files.readAllLines(commit, StandardCharsets.UTF_8))
            .containsExactly("{\"writer\":\"" + (aWon ? "a" : "b") + "\"}", "{\"n\":1}");
      }
    } finally {
      pool.shutdownNow();
    }
    try (var files = Files.list(dir.resolve("_delta_log"))) {
      assertThat(files.map(p -> p.getFileName().toString())).as("no temporary file left")
          .allMatch(n -> n.matches("\\d{20}\\.json")).hasSize(200);
    }
  }

  @Test
  void anOverwriteReplacesTheFileAndDropsAChecksumThatNoLongerMatches() throws Exception {
    Configuration conf = new Configuration();
    LinkLogStore store = new LinkLogStore(conf);
    Path last = dir.resolve("_last_checkpoint");
    store.write(hadoop(last), List.of("{\"version\":10}").iterator(), true, conf);
    Files.writeString(LinkLogStore.checksumOf(last), "stale");
    store.write(hadoop(last), List.of("{\"version\":20}").iterator(), true, conf);
    assertThat(Files.readString(last)).isEqualTo("{\"version\":20}\n");
    assertThat(LinkLogStore.checksumOf(last)).doesNotExist();
    assertThatThrownBy(() -> store.write(hadoop(last), List.of("x").iterator(), false, conf))
        .isInstanceOf(FileAlreadyExistsException.class);
    assertThat(Files.readString(last)).isEqualTo("{\"version\":20}\n");
  }

  @Test
  void sparkCommitsADeltaTableThroughIt() throws Exception {
    String table = dir.resolve("t").toString();
    spark.range(5).write().format("delta").save(table);
    spark.range(3).write().format("delta").mode("append").save(table);
    assertThat(spark.read().format("delta").load(table).count()).isEqualTo(8);
    try (var files = Files.list(dir.resolve("t/_delta_log"))) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .as("the commits have no Hadoop checksum files: they were not written through Hadoop's local file system")
          .contains("00000000000000000000.json", "00000000000000000001.json")
          .noneMatch(n -> n.endsWith(".json.crc"));
    }
  }
}
