package io.catalogml.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.regexp_extract;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig.Columns;
import io.catalogml.config.CatalogConfig.SourceSettings;
import io.catalogml.config.Setting;
import io.catalogml.config.Settings.FileFormat;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.CatalogException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Builds the {@link CatalogueSource} that {@code source.format} names. */
public final class Sources {
  private Sources() {}

  /** Column layout of the Rakuten challenge X and Y files. */
  static final Columns RAKUTEN_COLUMNS = new Columns("productid", "designation", "description", "",
      "", List.of("index", "imageid"));

  /** The source of a drop; checks that the input folder exists. */
  public static CatalogueSource of(SourceSettings settings, Configuration hadoop) {
    if (settings.input().isBlank()) {
      throw CatalogErrors.noInput("ingest");
    }
    Path input = qualify(settings.input(), hadoop);
    if (!isDirectory(input, hadoop)) {
      throw CatalogErrors.inputNotFound(settings.input());
    }
    String imageRoot = imageRoot(input, settings.imageRoot(), hadoop);
    return switch (settings.format()) {
      case GENERIC -> new Generic(settings, input, imageRoot, hadoop);
      case RAKUTEN -> new Rakuten(settings, input, imageRoot, hadoop);
      case IMAGE_FOLDER -> new ImageFolderSource(settings, input);
    };
  }

  private static String imageRoot(Path input, String root, Configuration hadoop) {
    if (root.isBlank() || root.equals(".")) {
      return input.toString();
    }
    Path p = new Path(root);
    return p.isAbsolute() || p.toUri().getScheme() != null
        ? qualify(root, hadoop).toString()
        : new Path(input, root).toString();
  }

  private static Path qualify(String path, Configuration hadoop) {
    try {
      Path p = new Path(path);
      if (p.toUri().getScheme() == null) {
        p = new Path(java.nio.file.Path.of(path).toAbsolutePath().normalize().toUri());
      }
      return p.getFileSystem(hadoop).makeQualified(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static boolean isDirectory(Path p, Configuration hadoop) {
    try {
      return p.getFileSystem(hadoop).getFileStatus(p).isDirectory();
    } catch (java.io.FileNotFoundException e) {
      return false;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void requireMatches(Path input, String pattern, Configuration hadoop,
      Supplier<CatalogException> error) {
    try {
      FileStatus[] matches = input.getFileSystem(hadoop).globStatus(new Path(input, pattern));
      if (matches == null || matches.length == 0) {
        throw error.get();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A generic catalogue in CSV, JSON lines or Parquet with a configured column mapping. */
  static final class Generic implements CatalogueSource {
    private final SourceSettings settings;
    private final String files;
    private final String imageRoot;
    private final SourceMapping mapping;

    Generic(SourceSettings settings, Path input, String imageRoot, Configuration hadoop) {
      this.settings = settings;
      this.imageRoot = imageRoot;
      this.mapping = new SourceMapping(settings.columns(), SourceMapping.derived(settings.expressions()),
          settings.imageTemplate());
      requireMatches(input, settings.files(), hadoop,
          () -> CatalogErrors.noSourceFiles(input.toString(), settings.files()));
      this.files = new Path(input, settings.files()).toString();
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
      Dataset<Row> frame = SourceFiles.read(spark, settings.fileFormat(), files, settings.csv());
      return mapping.apply(frame, files);
    }

    @Override
    public String name() {
      return "generic-" + Setting.configName(settings.fileFormat());
    }

    @Override
    public String imageRoot() {
      return imageRoot;
    }

    @Override
    public boolean hasImageSource() {
      return mapping.hasImageSource();
    }

    @Override
    public boolean hasText() {
      return mapping.hasText();
    }
  }

  /** The Rakuten challenge layout: an X file joined by index with an optional Y file of labels. */
  static final class Rakuten implements CatalogueSource {
    private final SourceSettings settings;
    private final String xFile;
    private final String yFile;
    private final String imageRoot;
    private final SourceMapping mapping;

    Rakuten(SourceSettings settings, Path input, String imageRoot, Configuration hadoop) {
      this.settings = settings;
      this.imageRoot = imageRoot;
      requireMatches(input, settings.rakutenXFile(), hadoop,
          () -> CatalogErrors.sourceFileMissing(new Path(input, settings.rakutenXFile()).toString(),
              "source.rakuten.x-file"));
      this.xFile = new Path(input, settings.rakutenXFile()).toString();
      if (settings.rakutenYFile().isBlank()) {
        this.yFile = null;
      } else {
        requireMatches(input, settings.rakutenYFile(), hadoop,
            () -> CatalogErrors.sourceFileMissing(new Path(input, settings.rakutenYFile()).toString(),
                "source.rakuten.y-file"));
        this.yFile = new Path(input, settings.rakutenYFile()).toString();
      }
      Columns c = RAKUTEN_COLUMNS;
      this.mapping = new SourceMapping(new Columns(c.id(), c.title(), c.description(), c.image(),
          yFile == null ? "" : "prdtypecode", c.extra()), Map.of(), settings.imageTemplate());
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
      Dataset<Row> x = SourceFiles.read(spark, FileFormat.CSV, xFile, settings.csv()).withColumnRenamed("_c0", "index");
      if (yFile != null) {
        Dataset<Row> y = SourceFiles.read(spark, FileFormat.CSV, yFile, settings.csv());
        List<String> yColumns = SourceFiles.dataColumns(y);
        if (!yColumns.contains("prdtypecode")) {
          throw CatalogErrors.missingColumns(yFile, List.of("prdtypecode"), yColumns);
        }
        // An index listed twice in Y: the last row wins, as for product ids.
        Dataset<Row> labels = y.where(col("_c0").isNotNull())
            .withColumn("_y_rank", row_number().over(Window.partitionBy("_c0").orderBy(col(SourceColumns.SOURCE_ROW).desc())))
            .where(col("_y_rank").equalTo(1))
            .select(col("_c0").as("_y_index"), col("prdtypecode"));
        x = x.join(labels, x.col("index").equalTo(labels.col("_y_index")), "left").drop("_y_index");
      }
      return mapping.apply(x, xFile);
    }

    @Override
    public String name() {
      return "rakuten";
    }

    @Override
    public boolean hasImageSource() {
      return mapping.hasImageSource();
    }

    @Override
    public boolean hasText() {
      return mapping.hasText();
    }

    @Override
    public String imageRoot() {
      return imageRoot;
    }
  }

  /**
   * A folder of images with no table ({@code source.format = image-folder}): every file under the
   * input folder (names starting with {@code .} or {@code _} skipped, links not followed into
   * folders) is one product with the columns {@code path} (relative to the input, the id and the
   * image), {@code folder} (its parent folder's name) and {@code file_name}; the label is the folder
   * name or the first group of {@code source.image-folder.label-pattern} on the file name. There is
   * no text. {@code source.generic.expressions} apply over these three columns.
   */
  static final class ImageFolderSource implements CatalogueSource {
    private static final StructType LISTING = new StructType()
        .add("path", DataTypes.StringType, false)
        .add("folder", DataTypes.StringType, false)
        .add("file_name", DataTypes.StringType, false)
        .add(SourceColumns.SOURCE_FILE, DataTypes.StringType, false);

    private final Path input;
    private final SourceMapping mapping;

    ImageFolderSource(SourceSettings settings, Path input) {
      this.input = input;
      Map<String, SourceMapping.Derived> derived = new java.util.LinkedHashMap<>(
          SourceMapping.derived(settings.expressions()));
      String label = "";
      switch (settings.imageFolder().labelFrom()) {
        case PARENT -> label = "folder";
        case FILE_NAME -> derived.putIfAbsent("label", labelFromFileName(settings.imageFolder().labelPattern()));
        case NONE -> { }
      }
      this.mapping = new SourceMapping(new Columns("path", "", "", "path", label, List.of()), derived, "");
    }

    private static SourceMapping.Derived labelFromFileName(String pattern) {
      Column group = regexp_extract(col("file_name"), "^(?:" + pattern + ")$", 1);
      return new SourceMapping.Derived(when(group.notEqual(""), group),
          "source.image-folder.label-pattern = \"" + pattern + "\" (its first group on the file name)");
    }

    @Override
    public Dataset<Row> read(SparkSession spark) {
      List<Row> files = ImageFolderListing.list(input, spark.sparkContext().hadoopConfiguration());
      Dataset<Row> listed = spark.createDataFrame(files, LISTING);
      Dataset<Row> frame = listed.select(col("path"), col("folder"), col("file_name"), col(SourceColumns.SOURCE_FILE),
          lit(1L).as(SourceColumns.SOURCE_ROW),
          to_json(struct(col("path"), col("folder"),
              col("file_name"))).as(SourceColumns.RAW_RECORD),
          lit(null).cast(DataTypes.StringType).as(SourceColumns.MALFORMED));
      return mapping.apply(frame, input.toString());
    }

    @Override
    public String name() {
      return "image-folder";
    }

    @Override
    public String imageRoot() {
      return input.toString();
    }

    @Override
    public boolean hasImageSource() {
      return true;
    }

    @Override
    public boolean hasText() {
      return mapping.hasText();
    }
  }
}
