package io.catalogml.ingest;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;

import io.catalogml.config.CatalogConfig.Columns;
import io.catalogml.core.CatalogErrors;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Maps source columns onto the canonical frame ({@link SourceColumns}): id, title,
 * description, label, image path (a column or a {@code {column}} template) and attributes.
 * Fails before any work when a mapped column is not in the source.
 */
final class SourceMapping {
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

  private final Columns columns;
  private final String imageTemplate;

  SourceMapping(Columns columns, String imageTemplate) {
    this.columns = columns;
    this.imageTemplate = imageTemplate;
    templateColumns(imageTemplate);
  }

  /** Applies the mapping to a frame read by {@link SourceFiles}. */
  Dataset<Row> apply(Dataset<Row> frame, String describedAs) {
    List<String> available = SourceFiles.dataColumns(frame);
    Set<String> missing = new LinkedHashSet<>();
    for (String name : mappedColumns()) {
      if (!available.contains(name)) {
        missing.add(name);
      }
    }
    if (!missing.isEmpty()) {
      throw CatalogErrors.missingColumns(describedAs, missing, available);
    }
    return frame.select(
        col(SourceColumns.SOURCE_FILE), col(SourceColumns.SOURCE_ROW), col(SourceColumns.RAW_RECORD),
        col(SourceColumns.MALFORMED),
        column(columns.id()).as(SourceColumns.PRODUCT_ID),
        column(columns.title()).as(SourceColumns.TITLE),
        column(columns.description()).as(SourceColumns.DESCRIPTION),
        column(columns.label()).as(SourceColumns.LABEL),
        imageRef().as(SourceColumns.IMAGE_REF),
        attributes().as(SourceColumns.ATTRIBUTES));
  }

  /** Every source column the mapping reads. */
  List<String> mappedColumns() {
    List<String> names = new ArrayList<>();
    for (String c : List.of(columns.id(), columns.title(), columns.description(), columns.label(),
        columns.image())) {
      if (!c.isEmpty()) {
        names.add(c);
      }
    }
    if (columns.image().isEmpty()) {
      names.addAll(templateColumns(imageTemplate));
    }
    names.addAll(columns.extra());
    return names;
  }

  /** True when products can have an image at all. */
  boolean hasImageSource() {
    return !columns.image().isEmpty() || !imageTemplate.isEmpty();
  }

  private Column imageRef() {
    if (!columns.image().isEmpty()) {
      return SourceFiles.quoted(columns.image());
    }
    if (imageTemplate.isEmpty()) {
      return lit(null).cast(DataTypes.StringType);
    }
    List<Column> parts = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(imageTemplate);
    int last = 0;
    while (m.find()) {
      parts.add(lit(imageTemplate.substring(last, m.start())));
      parts.add(SourceFiles.quoted(m.group(1)));
      last = m.end();
    }
    parts.add(lit(imageTemplate.substring(last)));
    return concat(parts.toArray(Column[]::new));
  }

  static List<String> templateColumns(String template) {
    if (template.isEmpty()) {
      return List.of();
    }
    if (template.replaceAll(PLACEHOLDER.pattern(), "").matches(".*[{}].*")) {
      throw CatalogErrors.badImageTemplate(template, "unbalanced '{' or '}'");
    }
    List<String> names = new ArrayList<>();
    Matcher m = PLACEHOLDER.matcher(template);
    while (m.find()) {
      names.add(m.group(1));
    }
    if (names.isEmpty()) {
      throw CatalogErrors.badImageTemplate(template, "it has no {column} placeholder, so every product would share one image");
    }
    return names;
  }

  private Column attributes() {
    if (columns.extra().isEmpty()) {
      return expr("cast(map() as map<string,string>)");
    }
    List<Column> kv = new ArrayList<>();
    for (String name : columns.extra()) {
      kv.add(lit(name));
      kv.add(SourceFiles.quoted(name));
    }
    return map(kv.toArray(Column[]::new));
  }

  private static Column column(String name) {
    return name.isEmpty() ? lit(null).cast(DataTypes.StringType) : SourceFiles.quoted(name);
  }
}
