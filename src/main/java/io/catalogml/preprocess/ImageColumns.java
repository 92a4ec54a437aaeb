package io.catalogml.preprocess;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.udf;

import io.catalogml.preprocess.image.ImageFiles;
import io.catalogml.preprocess.image.ImagePreprocessor;
import io.catalogml.preprocess.image.ImageResult;
import io.catalogml.config.ImageSpec;
import java.io.IOException;
import java.io.Serializable;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF2;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Image features, computed on the executors: each image is read from its URI, decoded and
 * resized by {@link ImagePreprocessor}, and stored as {@code width × height × 3} uint8 RGB bytes.
 * A missing, unreadable, truncated or corrupt image never drops the row: it sets
 * {@code image_ok = false} with the failure code and message, and the text features stay.
 */
public final class ImageColumns {
  /** Failure code of a product that has no image file (ingested with missing-image = keep). */
  public static final String MISSING = "missing";
  /** Failure code of an image file that could not be read (or is no longer a regular file). */
  public static final String UNREADABLE = "unreadable";
  /** Failure code of an image file over {@link ImageFiles#PREPROCESS_MAX_BYTES}. */
  public static final String TOO_LARGE = "too_large";

  static final StructType SCHEMA = new StructType()
      .add("ok", DataTypes.BooleanType, false)
      .add("failure", DataTypes.StringType)
      .add("message", DataTypes.StringType)
      .add("rgb", DataTypes.BinaryType);

  private ImageColumns() {}

  /** Adds {@code image_ok}, {@code image_failure}, {@code image_message} and {@code image}. */
  public static Dataset<Row> add(Dataset<Row> rows, ImageSpec spec) {
    Featurizer featurizer = new Featurizer(spec);
    return rows
        .withColumn("_img", udf(featurizer, SCHEMA).asNondeterministic()
            .apply(col("image_uri"), col("image_status")))
        .withColumn("image_ok", col("_img.ok"))
        .withColumn("image_failure", col("_img.failure"))
        .withColumn("image_message", col("_img.message"))
        .withColumn("image", col("_img.rgb"))
        .drop("_img");
  }

  /** The UDF: URI and ingest status in, the {@link #SCHEMA} struct out. */
  static final class Featurizer implements UDF2<String, String, Row>, Serializable {
    private final ImagePreprocessor preprocessor;
    private transient Configuration hadoop;

    Featurizer(ImageSpec spec) {
      this.preprocessor = new ImagePreprocessor(spec);
    }

    @Override
    public Row call(String uri, String status) {
      if (uri == null || !"ok".equals(status)) {
        return RowFactory.create(false, MISSING, "the product has no image (ingested without one)", null);
      }
      Path path = new Path(uri);
      ImageFiles.Read read;
      try {
        read = ImageFiles.read(path.getFileSystem(hadoop()), path, null, ImageFiles.PREPROCESS_MAX_BYTES);
      } catch (IOException e) {
        return RowFactory.create(false, UNREADABLE, "image file " + uri + " cannot be read: " + e.getMessage(), null);
      }
      switch (read.outcome()) {
        case OK -> { }
        case MISSING -> {
          return RowFactory.create(false, MISSING, "image file " + uri + " no longer exists; re-ingest the drop", null);
        }
        case TOO_LARGE -> {
          return RowFactory.create(false, TOO_LARGE, "image file " + uri + " " + read.detail()
              + " (it changed since ingest); re-ingest the drop", null);
        }
        default -> {
          return RowFactory.create(false, UNREADABLE, "image file " + uri + " " + read.detail(), null);
        }
      }
      byte[] bytes = read.bytes();
      ImageResult r = preprocessor.process(bytes);
      return r.ok()
          ? RowFactory.create(true, null, null, r.rgb())
          : RowFactory.create(false, r.failure(), r.message() + " (" + uri + ")", null);
    }

    private Configuration hadoop() {
      if (hadoop == null) {
        hadoop = new Configuration();
      }
      return hadoop;
    }
  }
}
