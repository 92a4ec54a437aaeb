package io.catalogml.train;

import io.catalogml.Fixtures;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import io.catalogml.ingest.IngestStage;
import io.catalogml.preprocess.PreprocessStage;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.SparkSession;

/** The bundled fashion sample ingested and preprocessed into a test's own lake. */
public final class TrainFixtures {
  private TrainFixtures() {}

  /** Configuration of a lake under {@code dir} holding the preprocessed fashion sample. */
  public static CatalogConfig preprocessedSample(SparkSession spark, Path dir, String... overrides) {
    Path drop = Fixtures.copyTree(Path.of("data/sample/fashion"), dir.resolve("drop"));
    CatalogConfig config = config(dir, drop, overrides);
    new IngestStage(spark, config).execute();
    new PreprocessStage(spark, config, false).execute();
    return config;
  }

  /** Configuration of the lake under {@code dir}, with test-sized training defaults and overrides. */
  public static CatalogConfig config(Path dir, Path drop, String... overrides) {
    List<String> all = new ArrayList<>(List.of(
        "lake.root=" + dir.resolve("lake"),
        "source.input=" + drop,
        "tracking.local-dir=" + dir.resolve("mlruns"),
        "train.checkpoint-dir=" + dir.resolve("checkpoints"),
        "train.workers=2",
        // The yardstick and the blend add a baseline fit to every network run; TrainStageTest turns them on
        // where it tests them.
        "train.yardstick=false",
        "train.blend-baseline=false",
        "train.sharing.port=" + io.catalogml.core.Ports.free()));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(List.of(Path.of("conf/examples/fashion.conf")), all);
  }
}
