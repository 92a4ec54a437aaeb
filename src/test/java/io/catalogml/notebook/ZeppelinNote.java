package io.catalogml.notebook;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Zeppelin note file ({@code .zpln}, Zeppelin 0.11's JSON) as the tests read it: its name, id and
 * paragraphs, each split into its interpreter ({@code %spark}, {@code %sql}, {@code %md}, ...) and code.
 *
 * @param file where it was read from
 * @param json the whole note
 * @param name the note's name (its path in Zeppelin, e.g. {@code catalog-ml/ingest})
 * @param paragraphs in order
 */
public record ZeppelinNote(Path file, JsonNode json, String name, List<Paragraph> paragraphs) {
  /** The notes the project ships, in the order a user runs them. */
  public static final List<String> IN_ORDER = List.of("ingest", "train", "score", "monitor", "nightly");

  /**
   * One paragraph.
   *
   * @param index 0-based position in the note
   * @param id Zeppelin's paragraph id
   * @param title the title, or null
   * @param interpreter the text's first word without {@code %} ({@code spark}, {@code sql}, {@code md}),
   *     or the note's default interpreter group when the text names none
   * @param code the text after the interpreter line
   */
  public record Paragraph(int index, String id, String title, String interpreter, String code) {
    /** Interpreter group and name as Zeppelin resolves a prefix: {@code sql} is {@code spark.sql}. */
    public String qualified() {
      return interpreter.contains(".") ? interpreter : switch (interpreter) {
        case "spark", "sql", "pyspark", "ipyspark", "r", "ir", "shiny", "kotlin" -> "spark." + interpreter;
        default -> interpreter;
      };
    }
  }

  /** Reads a note file. */
  public static ZeppelinNote read(Path file) {
    JsonNode json;
    try {
      json = Json.mapper().readTree(file.toFile());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String defaultGroup = json.path("defaultInterpreterGroup").asText("spark");
    List<Paragraph> paragraphs = new ArrayList<>();
    int i = 0;
    for (JsonNode p : json.path("paragraphs")) {
      String text = p.path("text").asText("");
      String first = text.strip().isEmpty() ? "" : text.stripLeading().split("\\s", 2)[0];
      boolean named = first.startsWith("%");
      String interpreter = named ? first.substring(1) : defaultGroup;
      String code = named ? text.stripLeading().substring(first.length()) : text;
      paragraphs.add(new Paragraph(i++, p.path("id").asText(null), p.hasNonNull("title") ? p.get("title").asText() : null,
          interpreter, code.startsWith("\n") ? code.substring(1) : code.strip()));
    }
    return new ZeppelinNote(file, json, json.path("name").asText(null), List.copyOf(paragraphs));
  }

  /** The project's notes under {@code notebooks/} of {@code root}, in {@link #IN_ORDER}. */
  public static List<ZeppelinNote> shipped(Path root) {
    return IN_ORDER.stream().map(n -> read(root.resolve("notebooks").resolve(n + ".zpln"))).toList();
  }

  /** The note's short name: its file name without {@code .zpln}. */
  public String shortName() {
    String f = file.getFileName().toString();
    return f.substring(0, f.length() - ".zpln".length());
  }
}
