package io.catalogml.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig.IngestSettings;
import io.catalogml.config.Settings.MissingImagePolicy;
import io.catalogml.ingest.ImageInspector.Status;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Decides, for every canonical source row, whether it is ingested or quarantined and why.
 * Adds {@link #REASON} (null = valid), {@link #MESSAGE} and {@link #IMAGE} (an
 * {@link ImageInspector#SCHEMA} struct, inspected only for rows that passed the other checks).
 * Checks run in the order of {@link QuarantineReason}; the first failing check names the reason.
 */
final class IngestValidation {
  static final String REASON = "reason";
  static final String MESSAGE = "message";
  static final String IMAGE = "image";

  private IngestValidation() {}

  /** The character decoders put for bytes that are not valid in the declared encoding. */
  static final String REPLACEMENT = "\uFFFD";

  /**
   * @param source the canonical frame {@code from} read
   * @param encoding the declared encoding of text files, named in the invalid-encoding message
   */
  static Dataset<Row> check(Dataset<Row> source, CatalogueSource from, IngestSettings rules, String encoding) {
    Column id = col(SourceColumns.PRODUCT_ID);
    Column title = col(SourceColumns.TITLE);
    Column description = col(SourceColumns.DESCRIPTION);
    Column label = col(SourceColumns.LABEL);

    Dataset<Row> cleaned = source
        .withColumn(SourceColumns.PRODUCT_ID, blankToNull(trim(id)))
        .withColumn(SourceColumns.TITLE, when(trim(title).notEqual(""), title))
        .withColumn(SourceColumns.DESCRIPTION, when(trim(description).notEqual(""), description))
        .withColumn(SourceColumns.LABEL, blankToNull(trim(label)));

    Column idReason = when(col(SourceColumns.MALFORMED).isNotNull(), code(QuarantineReason.MALFORMED_RECORD))
        .when(col(SourceColumns.EXPRESSION_NULL).isNotNull(), code(QuarantineReason.EXPRESSION_NULL))
        .when(id.isNull(), code(QuarantineReason.MISSING_ID))
        .when(not(id.rlike("^(?:" + rules.idPattern().pattern() + ")$")), code(QuarantineReason.MALFORMED_ID));
    WindowSpec sameId = Window.partitionBy(SourceColumns.PRODUCT_ID)
        .orderBy(col(SourceColumns.SOURCE_FILE).desc(), col(SourceColumns.SOURCE_ROW).desc());
    Column labelReason = rules.labels().isEmpty()
        ? lit(null)
        : when(label.isNotNull().and(not(label.isin(rules.labels().toArray()))), code(QuarantineReason.UNKNOWN_LABEL));

    Dataset<Row> textChecked = cleaned
        .withColumn("_id_reason", idReason)
        .withColumn("_dup_rank", when(col("_id_reason").isNull(), row_number().over(sameId)))
        .withColumn("_last_file", first(SourceColumns.SOURCE_FILE).over(sameId))
        .withColumn("_last_row", first(SourceColumns.SOURCE_ROW).over(sameId))
        .withColumn(REASON, coalesce(
            col("_id_reason"),
            when(col("_dup_rank").gt(1), code(QuarantineReason.DUPLICATE_ID)),
            from.hasText() ? when(title.isNull().and(description.isNull()), code(QuarantineReason.MISSING_TEXT))
                : lit(null),
            when(invalidField().isNotNull(), code(QuarantineReason.INVALID_ENCODING)),
            labelReason));

    UserDefinedFunction inspect = udf(new ImageInspector(from.imageRoot(), rules.maxImageBytes()),
        ImageInspector.SCHEMA).asNondeterministic();
    Dataset<Row> imageChecked = textChecked
        .withColumn(IMAGE, when(col(REASON).isNull(), inspect.apply(col(SourceColumns.IMAGE_REF))))
        .withColumn(REASON, coalesce(col(REASON), imageReason(col(IMAGE + ".status"), rules.missingImage())));
    return imageChecked
        .withColumn(MESSAGE, message(rules, encoding))
        .drop("_id_reason", "_dup_rank", "_last_file", "_last_row");
  }

  private static Column imageReason(Column status, MissingImagePolicy policy) {
    Column missing = policy == MissingImagePolicy.QUARANTINE ? code(QuarantineReason.IMAGE_MISSING) : lit(null);
    return when(status.isin(status(Status.NONE), status(Status.MISSING)), missing)
        .when(status.equalTo(status(Status.UNREADABLE)), code(QuarantineReason.IMAGE_UNREADABLE))
        .when(status.equalTo(status(Status.NOT_AN_IMAGE)), code(QuarantineReason.IMAGE_NOT_AN_IMAGE))
        .when(status.equalTo(status(Status.PATH_ESCAPE)), code(QuarantineReason.IMAGE_PATH_ESCAPE))
        .when(status.equalTo(status(Status.TOO_LARGE)), code(QuarantineReason.IMAGE_TOO_LARGE));
  }

  /** The first of id, title, description and label that holds {@link #REPLACEMENT}, else null. */
  private static Column invalidField() {
    Column first = lit(null).cast(org.apache.spark.sql.types.DataTypes.StringType);
    for (String field : List.of(SourceColumns.LABEL, SourceColumns.DESCRIPTION, SourceColumns.TITLE,
        SourceColumns.PRODUCT_ID)) {
      first = when(col(field).contains(REPLACEMENT), lit(field)).otherwise(first);
    }
    return first;
  }

  private static Column message(IngestSettings rules, String encoding) {
    Column reason = col(REASON);
    Column id = col(SourceColumns.PRODUCT_ID);
    return when(reason.isNull(), lit(null))
        .when(reason.equalTo(code(QuarantineReason.MALFORMED_RECORD)),
            format_string("%s; fix the record in the source file", col(SourceColumns.MALFORMED)))
        .when(reason.equalTo(code(QuarantineReason.EXPRESSION_NULL)),
            format_string("%s gave null for this record (a null input, a failed cast, an index past the end, no"
                + " match); fix the record, or the expression (coalesce(..., 'default') gives a default)",
                col(SourceColumns.EXPRESSION_NULL)))
        .when(reason.equalTo(code(QuarantineReason.INVALID_ENCODING)),
            format_string("the %s holds bytes that are not valid %s (they were read as U+FFFD); re-export the file"
                + " as %s, or set source.csv.encoding to the file's real encoding (e.g. windows-1252)",
                invalidField(), lit(encoding), lit(encoding)))
        .when(reason.equalTo(code(QuarantineReason.MISSING_ID)),
            lit("product id is empty; every product needs an id (source.generic.columns.id)"))
        .when(reason.equalTo(code(QuarantineReason.MALFORMED_ID)),
            format_string("product id '%s' does not match ingest.id-pattern %s; fix the id or the pattern",
                id, lit(rules.idPattern().pattern())))
        .when(reason.equalTo(code(QuarantineReason.DUPLICATE_ID)),
            format_string("product id '%s' appears again later in this drop (%s row %d); the last occurrence wins",
                id, col("_last_file"), col("_last_row")))
        .when(reason.equalTo(code(QuarantineReason.MISSING_TEXT)),
            lit("title and description are both empty; a product needs at least one to be classified"))
        .when(reason.equalTo(code(QuarantineReason.UNKNOWN_LABEL)),
            format_string("label '%s' is not in ingest.labels; fix the label or add it to the allowed set",
                col(SourceColumns.LABEL)))
        .otherwise(col(IMAGE + ".message"));
  }

  private static Column code(QuarantineReason reason) {
    return lit(reason.code());
  }

  private static String status(Status status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  private static Column blankToNull(Column c) {
    return when(c.notEqual(""), c);
  }

  private static Column not(Column c) {
    return org.apache.spark.sql.functions.not(c);
  }
}
