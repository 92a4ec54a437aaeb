package io.catalogml.ingest;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.map;
import static org.apache.spark.sql.functions.when;

import io.catalogml.config.CatalogConfig.Columns;
import io.catalogml.config.CatalogConfig.Expressions;
import io.catalogml.core.CatalogErrors;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.parser.ParseException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * Maps source columns onto the canonical frame ({@link SourceColumns}): id, title,
 * description, label, image path (a column or a {@code {column}} template) and attributes.
 * A field may instead come from a Spark SQL expression over the source columns
 * ({@code source.generic.expressions.*}); {@link SourceColumns#EXPRESSION_NULL} names the first
 * field whose expression gave null on a row, so that row is quarantined. Fails before any work
 * when a mapped column is not in the source or an expression does not parse or names a column
 * the source lacks.
 */
final class SourceMapping {
  private static final List<String> FIELDS = List.of("id", "title", "description", "label", "image");
  private static final Pattern PLACEHOLDER = Pattern.compile("\\{([^{}]+)}");

  /**
   * A canonical field computed from the source columns.
   *
   * @param column the value, as a Spark column
   * @param origin the setting it comes from, as a message names it, e.g. {@code source.generic.expressions.label = "..."}
   */
  record Derived(Column column, String origin) {}

  private final Columns columns;
  private final Map<String, Derived> derived;
  private final String imageTemplate;

  /** @param derived fields computed in place of their column, by canonical field name ({@link #derived(Expressions)}) */
  SourceMapping(Columns columns, Map<String, Derived> derived, String imageTemplate) {
    this.columns = columns;
    this.derived = Map.copyOf(derived);
    this.imageTemplate = imageTemplate;
    templateColumns(imageTemplate);
  }

  /** The {@code source.generic.expressions} that are set, parsed; fails naming the key when one does not parse. */
  static Map<String, Derived> derived(Expressions expressions) {
    Map<String, Derived> out = new LinkedHashMap<>();
    expressions.byField().forEach((field, e) ->
        out.put(field, new Derived(parsed(field, e), key(field) + " = \"" + e + "\"")));
    return out;
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
    Map<String, Column> values = new LinkedHashMap<>();
    List<Column> nullOrigins = new ArrayList<>();
    for (String field : FIELDS) {
      Derived d = derived.get(field);
      if (d != null) {
        Column value = d.column().cast(DataTypes.StringType);
        values.put(field, value);
        nullOrigins.add(when(value.isNull(), lit(d.origin())));
      }
    }
    nullOrigins.add(lit(null).cast(DataTypes.StringType));
    Dataset<Row> mapped;
    try {
      mapped = frame.select(
          col(SourceColumns.SOURCE_FILE), col(SourceColumns.SOURCE_ROW), col(SourceColumns.RAW_RECORD),
          col(SourceColumns.MALFORMED),
          values.getOrDefault("id", column(columns.id())).as(SourceColumns.PRODUCT_ID),
          values.getOrDefault("title", column(columns.title())).as(SourceColumns.TITLE),
          values.getOrDefault("description", column(columns.description())).as(SourceColumns.DESCRIPTION),
          values.getOrDefault("label", column(columns.label())).as(SourceColumns.LABEL),
          values.getOrDefault("image", imageRef()).as(SourceColumns.IMAGE_REF),
          attributes().as(SourceColumns.ATTRIBUTES),
          coalesce(nullOrigins.toArray(Column[]::new)).as(SourceColumns.EXPRESSION_NULL));
    } catch (Exception e) {
      if (!(e instanceof AnalysisException) || derived.isEmpty()) {
        throw e;
      }
      // Only a derived field can fail analysis here: the mapped columns were checked above.
      Derived first = derived.values().stream().filter(d -> !analyses(frame, d.column())).findFirst()
          .orElse(derived.values().iterator().next());
      throw CatalogErrors.badExpression(first.origin(), firstLine(e), available);
    }
    return mapped;
  }

  /** Every source column the mapping reads by name (fields given by an expression are left out). */
  List<String> mappedColumns() {
    Map<String, Derived> byExpression = derived;
    List<String> names = new ArrayList<>();
    Map<String, String> byField = new LinkedHashMap<>();
    byField.put("id", columns.id());
    byField.put("title", columns.title());
    byField.put("description", columns.description());
    byField.put("label", columns.label());
    byField.put("image", columns.image());
    byField.forEach((field, c) -> {
      if (!c.isEmpty() && !byExpression.containsKey(field)) {
        names.add(c);
      }
    });
    if (columns.image().isEmpty() && !byExpression.containsKey("image")) {
      names.addAll(templateColumns(imageTemplate));
    }
    names.addAll(columns.extra());
    return names;
  }

  /** True when products can have an image at all. */
  boolean hasImageSource() {
    return !columns.image().isEmpty() || !imageTemplate.isEmpty() || derived.containsKey("image");
  }

  /** True when products can have a title or a description at all. */
  boolean hasText() {
    return !columns.title().isEmpty() || !columns.description().isEmpty() || derived.containsKey("title")
        || derived.containsKey("description");
  }

  private static String key(String field) {
    return "source.generic.expressions." + field;
  }

  /** The expression as a column; fails with the key's name when it does not parse. */
  private static Column parsed(String field, String expression) {
    try {
      return expr(expression);
    } catch (Exception e) {
      if (!(e instanceof ParseException)) {
        throw e;
      }
      throw CatalogErrors.badExpression(key(field) + " = \"" + expression + "\"",
          "it does not parse (" + firstLine(e) + ")", null);
    }
  }

  private static boolean analyses(Dataset<Row> frame, Column expression) {
    try {
      frame.select(expression);
      return true;
    } catch (Exception e) {
      if (!(e instanceof AnalysisException)) {
        throw e;
      }
      return false;
    }
  }

  private static String firstLine(Exception e) {
    return String.valueOf(e.getMessage()).lines().findFirst().orElse("").strip();
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
