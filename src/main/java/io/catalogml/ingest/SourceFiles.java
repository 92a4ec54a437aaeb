package io.catalogml.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import com.univocity.parsers.csv.CsvParser;
import com.univocity.parsers.csv.CsvParserSettings;
import io.catalogml.config.CatalogConfig.CsvOptions;
import io.catalogml.config.Settings.FileFormat;
import io.catalogml.core.CatalogErrors;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Reads source files into string columns plus provenance: {@link SourceColumns#SOURCE_FILE},
 * {@link SourceColumns#SOURCE_ROW}, {@link SourceColumns#RAW_RECORD} and
 * {@link SourceColumns#MALFORMED}. Column names are cleaned (byte-order mark and blanks removed,
 * an empty name becomes {@code _cN}).
 */
public final class SourceFiles {
  static final String CORRUPT = "_corrupt_record";

  private SourceFiles() {}

  /** The data columns of a frame returned by {@link #read}, in file order. */
  public static List<String> dataColumns(Dataset<Row> frame) {
    List<String> names = new ArrayList<>(Arrays.asList(frame.columns()));
    names.removeAll(List.of(SourceColumns.SOURCE_FILE, SourceColumns.SOURCE_ROW,
        SourceColumns.RAW_RECORD, SourceColumns.MALFORMED));
    return names;
  }

  /**
   * The records of the files at {@code path}, every data column as a string, with
   * {@code source_file}, 1-based {@code source_row}, {@code raw_record} (JSON) and {@code malformed}
   * (null, or why the record could not be parsed).
   */
  public static Dataset<Row> read(SparkSession spark, FileFormat format, String path, CsvOptions csv) {
    Dataset<Row> raw = switch (format) {
      case CSV -> csv(spark, path, csv);
      case JSON -> json(spark, path);
      case PARQUET -> spark.read().parquet(path);
    };
    return withProvenance(raw, format);
  }

  private static Dataset<Row> csv(SparkSession spark, String path, CsvOptions o) {
    DataFrameReader reader = spark.read().format("csv")
        .option("header", "true")
        .option("multiLine", "true")
        .option("sep", o.delimiter())
        .option("quote", o.quote())
        .option("escape", o.escape())
        .option("encoding", o.encoding())
        .option("mode", "PERMISSIVE")
        .option("columnNameOfCorruptRecord", CORRUPT);
    Dataset<Row> probe = reader.load(path);
    List<String> header = new ArrayList<>();
    for (int i = 0; i < probe.schema().size(); i++) {
      header.add(cleanName(probe.schema().fields()[i].name(), i));
    }
    String[] files = probe.inputFiles();
    if (files.length > 1) {
      requireSameHeader(spark, files, header, o);
    }
    StructType schema = new StructType();
    for (String name : header) {
      schema = schema.add(name, DataTypes.StringType);
    }
    schema = schema.add(CORRUPT, DataTypes.StringType);
    return reader.schema(schema).load(path);
  }

  /**
   * Spark maps every file's columns by position to the first file's header; a drop whose files
   * order their columns differently would be silently scrambled, so it fails here instead.
   */
  private static void requireSameHeader(SparkSession spark, String[] files, List<String> expected, CsvOptions o) {
    CsvParserSettings settings = new CsvParserSettings();
    settings.getFormat().setDelimiter(o.delimiter().charAt(0));
    settings.getFormat().setQuote(o.quote().charAt(0));
    settings.getFormat().setQuoteEscape(o.escape().charAt(0));
    settings.setMaxColumns(Math.max(512, expected.size() * 2));
    CsvParser parser = new CsvParser(settings);
    Configuration hadoop = spark.sparkContext().hadoopConfiguration();
    for (String file : files) {
      Path path = new Path(file);
      try (BufferedReader in = new BufferedReader(
          new InputStreamReader(path.getFileSystem(hadoop).open(path), Charset.forName(o.encoding())))) {
        String line = in.readLine();
        String[] names = line == null ? new String[0] : parser.parseLine(line);
        List<String> found = new ArrayList<>();
        for (int i = 0; i < names.length; i++) {
          found.add(cleanName(names[i] == null ? "" : names[i], i));
        }
        if (!found.equals(expected)) {
          throw CatalogErrors.csvHeaderMismatch(file, found, files[0], expected);
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  private static Dataset<Row> json(SparkSession spark, String path) {
    return spark.read().option("mode", "PERMISSIVE").option("columnNameOfCorruptRecord", CORRUPT).json(path);
  }

  private static String cleanName(String name, int index) {
    String cleaned = name.replace("\uFEFF", "").trim();
    return cleaned.isEmpty() ? "_c" + index : cleaned;
  }

  /**
   * Adds file, 1-based record number (by file, then split offset, then position in the split),
   * raw record JSON and the malformed flag; casts every data column to string.
   */
  private static Dataset<Row> withProvenance(Dataset<Row> raw, FileFormat format) {
    List<String> names = new ArrayList<>(Arrays.asList(raw.columns()));
    boolean hasCorrupt = names.remove(CORRUPT);
    List<Column> selected = new ArrayList<>();
    for (String name : names) {
      selected.add(quoted(name).cast(DataTypes.StringType).as(name));
    }
    selected.add((hasCorrupt ? col(CORRUPT) : lit(null).cast(DataTypes.StringType)).as(CORRUPT));
    selected.add(col("_metadata.file_path").as(SourceColumns.SOURCE_FILE));
    selected.add(col("_metadata.file_block_start").as("_block"));
    selected.add(monotonically_increasing_id().as("_pos"));
    Dataset<Row> withMeta = raw.select(selected.toArray(Column[]::new));

    List<Column> out = new ArrayList<>();
    names.forEach(n -> out.add(quoted(n)));
    Column corrupt = col(CORRUPT);
    Column dataJson = to_json(struct(names.stream().map(SourceFiles::quoted).toArray(Column[]::new)));
    out.add(col(SourceColumns.SOURCE_FILE));
    out.add(row_number().over(Window.partitionBy(SourceColumns.SOURCE_FILE).orderBy("_block", "_pos"))
        .cast(DataTypes.LongType).as(SourceColumns.SOURCE_ROW));
    out.add(when(corrupt.isNotNull(), corrupt).otherwise(dataJson).as(SourceColumns.RAW_RECORD));
    out.add(when(corrupt.isNotNull(), lit("record could not be parsed as " + formatName(format)))
        .as(SourceColumns.MALFORMED));
    return withMeta.select(out.toArray(Column[]::new));
  }

  static Column quoted(String name) {
    return col("`" + name.replace("`", "``") + "`");
  }

  private static String formatName(FileFormat format) {
    return switch (format) {
      case CSV -> "CSV (wrong number of fields or broken quoting)";
      case JSON -> "JSON (one object per line expected)";
      case PARQUET -> "Parquet";
    };
  }
}
