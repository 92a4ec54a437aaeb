package io.catalogml.notebook;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;

import io.catalogml.preprocess.image.ImageFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;

/**
 * Zeppelin {@code %html} output for the notes: a line that starts with {@code %html} is shown as HTML
 * by Zeppelin's interpreters, so a paragraph prints what these methods return. Pictures are embedded
 * as data URIs, read through Hadoop's file system (any {@code image_uri} the lake holds), and no more
 * than {@link #MAX_IMAGE_BYTES} of one file is read.
 *
 * <pre>
 * println(NoteHtml.gallery(spark, NoteHtml.onePerLabel(products, 8).collectAsList()))
 * println(NoteHtml.images(spark, evaluation + "/learning-curve.png", evaluation + "/confusion-matrix.png"))
 * </pre>
 */
public final class NoteHtml {
  /** The largest picture embedded; a larger one is named, not shown. */
  public static final long MAX_IMAGE_BYTES = 4L << 20;
  /** Width in pixels of a product's picture in {@link #gallery}. */
  static final int THUMBNAIL_PX = 96;

  private NoteHtml() {}

  /**
   * One product of each of the {@code labels} most frequent labels of {@code products} (rows of
   * {@code bronze.products}), the one with the smallest id, most frequent label first; products with
   * an image come before those without. Columns of the products, plus {@code label_products}.
   */
  public static Dataset<Row> onePerLabel(Dataset<Row> products, int labels) {
    Dataset<Row> labelled = products.where(col("label").isNotNull());
    Dataset<Row> top = labelled.groupBy("label").agg(count(lit(1)).as("label_products"))
        .orderBy(col("label_products").desc(), col("label")).limit(labels);
    Dataset<Row> ranked = labelled.join(top, "label").withColumn("pick", row_number().over(
        Window.partitionBy("label").orderBy(col("image_uri").isNull(), col("product_id"))));
    return ranked.where(col("pick").equalTo(1)).drop("pick")
        .orderBy(col("label_products").desc(), col("label"));
  }

  /**
   * A table of products with their pictures: columns {@code product_id}, {@code label}, {@code title}
   * and {@code image_uri} of {@code bronze.products} (a null image or one that cannot be read is named
   * with the reason instead).
   */
  public static String gallery(SparkSession spark, List<Row> products) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    StringBuilder html = new StringBuilder("%html <table class=\"catalog-ml-gallery\">"
        + "<tr><th>image</th><th>product</th><th>label</th><th>title</th></tr>");
    for (Row p : products) {
      String uri = p.getAs("image_uri");
      html.append("<tr><td>").append(uri == null ? "no image" : img(hadoop, uri, THUMBNAIL_PX))
          .append("</td><td>").append(escape(p.getAs("product_id")))
          .append("</td><td>").append(escape(p.getAs("label")))
          .append("</td><td>").append(escape(p.getAs("title"))).append("</td></tr>");
    }
    return html.append("</table>").toString();
  }

  /** Pictures side by side at their own size, each captioned with its file name. */
  public static String images(SparkSession spark, String... uris) {
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    StringBuilder html = new StringBuilder("%html <div class=\"catalog-ml-images\">");
    for (String uri : uris) {
      html.append("<figure style=\"display:inline-block;margin:0 12px 12px 0\">").append(img(hadoop, uri, 0))
          .append("<figcaption>").append(escape(new Path(uri).getName())).append("</figcaption></figure>");
    }
    return html.append("</div>").toString();
  }

  /** An {@code <img>} with the file as a data URI, or why it cannot be shown. */
  static String img(Configuration hadoop, String uri, int widthPx) {
    String mime = mime(uri);
    if (mime == null) {
      return "not a picture: " + escape(uri);
    }
    Path path = new Path(uri);
    ImageFiles.Read read;
    try {
      read = ImageFiles.read(path.getFileSystem(hadoop), path, null, MAX_IMAGE_BYTES);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (read.outcome() != ImageFiles.Outcome.OK) {
      return "cannot show " + escape(path.getName()) + ": the file " + escape(read.detail());
    }
    return "<img src=\"data:" + mime + ";base64," + Base64.getEncoder().encodeToString(read.bytes()) + "\""
        + (widthPx > 0 ? " width=\"" + widthPx + "\"" : "") + " alt=\"" + escape(path.getName()) + "\"/>";
  }

  /** The MIME type a browser shows, by file extension; null for another kind of file. */
  static String mime(String uri) {
    String name = uri.toLowerCase(Locale.ROOT);
    String ext = name.substring(name.lastIndexOf('.') + 1);
    return switch (ext) {
      case "png" -> "image/png";
      case "jpg", "jpeg" -> "image/jpeg";
      case "gif" -> "image/gif";
      case "bmp" -> "image/bmp";
      case "webp" -> "image/webp";
      default -> null;
    };
  }

  /** Text as HTML: {@code & < > " '} escaped; null as empty. */
  public static String escape(Object text) {
    if (text == null) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (char c : text.toString().toCharArray()) {
      switch (c) {
        case '&' -> out.append("&amp;");
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(c);
      }
    }
    return out.toString();
  }
}
