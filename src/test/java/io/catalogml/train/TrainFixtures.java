package io.catalogml.train;

import io.catalogml.Fixtures;
import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import io.catalogml.ingest.IngestStage;
import io.catalogml.lake.Lake;
import io.catalogml.model.InputSpec;
import io.catalogml.preprocess.PreprocessStage;
import io.catalogml.preprocess.TitleGroups;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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

  /**
   * The preprocessed sample's training split as a network trainer reads it, for tests that drive an
   * {@link EpochTrainer} themselves: the configuration, the loaded features, the fusion network's input
   * and the cached training rows.
   */
  public record TrainingSplit(CatalogConfig config, TrainData data, InputSpec spec, Dataset<Row> train) {}

  /** {@link #preprocessedSample} under {@code dir}, loaded as a {@link TrainingSplit}. */
  public static TrainingSplit trainingSplit(SparkSession spark, Path dir) {
    CatalogConfig config = preprocessedSample(spark, dir);
    TrainData data = TrainData.load(spark, Lake.of(config), null);
    InputSpec spec = InputSpec.network(config.model(), data.textPipeline, data.imageWidth, data.imageHeight,
        data.imageSpec);
    return new TrainingSplit(config, data, spec, data.split(TitleGroups.TRAIN).cache());
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
