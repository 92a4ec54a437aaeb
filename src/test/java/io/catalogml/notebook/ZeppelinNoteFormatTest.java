package io.catalogml.notebook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The shipped notes are Zeppelin 0.11 notes, so that "Import note" of a real Zeppelin 0.11 reads them: the
 * fields Zeppelin 0.11.2 writes for a note and a paragraph ({@code Note}, {@code Paragraph} and {@code Job} of
 * apache/zeppelin v0.11.2, and the notes it ships, e.g. "R Tutorial/3. R Conda Env in Yarn Mode", version
 * 0.11.1), ids in Zeppelin's shapes and unique, dates in its format, interpreters the runner and Zeppelin's Spark
 * interpreter group know, and no stale output.
 */
class ZeppelinNoteFormatTest {
  static final Path ROOT = Path.of(System.getProperty("catalogml.root", ".")).toAbsolutePath();
  static final Set<String> NOTE_KEYS = Set.of("paragraphs", "name", "id", "defaultInterpreterGroup", "version",
      "noteParams", "noteForms", "angularObjects", "config", "info");
  static final Set<String> PARAGRAPH_KEYS = Set.of("text", "user", "dateUpdated", "progress", "config", "settings",
      "apps", "runtimeInfos", "progressUpdateIntervalMs", "jobName", "id", "dateCreated", "status");
  /** Written by Zeppelin once a paragraph has a title or has run; not in a note as shipped, except the title. */
  static final Set<String> OPTIONAL_PARAGRAPH_KEYS = Set.of("title");
  /** {@code IdHashes.generateId()}: base 32 without 0, I, L, O; nine characters for today's clock. */
  static final String NOTE_ID = "[1-9A-HJKMNP-Z]{9}";
  /** {@code Paragraph.generateId()}. */
  static final String PARAGRAPH_ID = "paragraph_\\d{13}_\\d{1,10}";
  static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss.SSS");
  /** Interpreters the headless runner executes, and what the editor of each is set to. */
  static final java.util.Map<String, String> EDITOR = java.util.Map.of("spark.spark", "ace/mode/scala",
      "spark.sql", "ace/mode/sql", "md", "ace/mode/markdown");

  @Test
  void theShippedNotesAreTheFiveInOrder() throws Exception {
    try (Stream<Path> files = Files.list(ROOT.resolve("notebooks"))) {
      assertThat(files.map(f -> f.getFileName().toString()).sorted())
          .containsExactlyInAnyOrderElementsOf(ZeppelinNote.IN_ORDER.stream().map(n -> n + ".zpln").toList());
    }
    assertThat(ZeppelinNote.shipped(ROOT)).extracting(ZeppelinNote::name)
        .containsExactly("catalog-ml/ingest", "catalog-ml/train", "catalog-ml/score", "catalog-ml/monitor",
            "catalog-ml/nightly");
  }

  @Test
  void everyNoteHasTheFieldsZeppelin011WritesAndAnIdOfItsShape() {
    Set<String> ids = new HashSet<>();
    for (ZeppelinNote note : ZeppelinNote.shipped(ROOT)) {
      JsonNode json = note.json();
      assertThat(fieldNames(json)).as(note.file().toString()).isEqualTo(NOTE_KEYS);
      assertThat(json.get("version").asText()).as(note.file().toString()).matches("0\\.11\\.\\d+");
      assertThat(json.get("id").asText()).matches(NOTE_ID);
      assertThat(ids.add(json.get("id").asText())).as("note ids are unique").isTrue();
      assertThat(json.get("defaultInterpreterGroup").asText()).isEqualTo("spark");
      for (String object : List.of("noteParams", "noteForms", "angularObjects", "config", "info")) {
        assertThat(json.get(object).isObject()).as(note.file() + ": " + object).isTrue();
      }
      assertThat(json.get("config").path("isZeppelinNotebookCronEnable").isBoolean()).isTrue();
      assertThat(json.get("paragraphs").isArray()).isTrue();
      assertThat(note.paragraphs()).isNotEmpty();
    }
  }

  @Test
  void everyParagraphIsWhatZeppelin011WritesAndReadyToRun() {
    Set<String> ids = new HashSet<>();
    for (ZeppelinNote note : ZeppelinNote.shipped(ROOT)) {
      for (JsonNode p : note.json().get("paragraphs")) {
        String where = note.file().getFileName() + " paragraph " + p.path("id").asText();
        Set<String> keys = fieldNames(p);
        assertThat(keys).as(where).containsAll(PARAGRAPH_KEYS);
        Set<String> extra = new HashSet<>(keys);
        extra.removeAll(PARAGRAPH_KEYS);
        assertThat(extra).as(where + ": no stale output or run dates").isSubsetOf(OPTIONAL_PARAGRAPH_KEYS);
        assertThat(p.get("id").asText()).as(where).matches(PARAGRAPH_ID);
        assertThat(ids.add(p.get("id").asText())).as(where + ": paragraph ids are unique across the notes").isTrue();
        assertThat(p.get("jobName").asText()).matches(PARAGRAPH_ID);
        assertThat(p.get("status").asText()).as(where).isEqualTo("READY");
        assertThat(p.get("progress").asInt()).isZero();
        assertThat(p.get("settings").path("params").isObject()).isTrue();
        assertThat(p.get("settings").path("forms").isObject()).isTrue();
        assertThat(p.get("apps").isArray()).isTrue();
        assertThat(p.get("runtimeInfos").isObject()).isTrue();
        LocalDateTime.parse(p.get("dateCreated").asText(), DATE);
        LocalDateTime.parse(p.get("dateUpdated").asText(), DATE);
        JsonNode config = p.get("config");
        assertThat(config.path("enabled").asBoolean()).as(where + " is enabled").isTrue();
        assertThat(config.path("title").asBoolean()).as(where + ": config.title shows the title").isEqualTo(p.has("title"));
        assertThat(config.path("editorSetting").isObject()).isTrue();
      }
    }
  }

  @Test
  void everyParagraphNamesAnInterpreterOfTheSparkGroupOrMarkdownAndSaysSomething() {
    for (ZeppelinNote note : ZeppelinNote.shipped(ROOT)) {
      List<String> interpreters = new ArrayList<>();
      for (ZeppelinNote.Paragraph p : note.paragraphs()) {
        String where = note.file().getFileName() + " paragraph " + p.index();
        assertThat(EDITOR).as(where + ": %" + p.interpreter()).containsKey(p.qualified());
        assertThat(note.json().get("paragraphs").get(p.index()).path("config").path("editorMode").asText())
            .as(where).isEqualTo(EDITOR.get(p.qualified()));
        assertThat(p.code()).as(where).isNotBlank();
        interpreters.add(p.qualified());
      }
      assertThat(interpreters.get(0)).as(note.file() + " starts by saying what it does").isEqualTo("md");
      assertThat(interpreters).as(note.file() + " runs something").contains("spark.spark");
    }
  }

  @Test
  void theReaderSplitsTheInterpreterFromTheCode() throws Exception {
    Path file = Files.createTempFile("note", ".zpln");
    try {
      Files.writeString(file, """
          {"name": "n", "id": "2ABCDEFGH", "defaultInterpreterGroup": "spark", "paragraphs": [
            {"id": "paragraph_1_1", "text": "%spark.sql\\nSELECT 1"},
            {"id": "paragraph_1_2", "title": "T", "text": "val x = 1"},
            {"id": "paragraph_1_3", "text": "%md ### Hi"}]}
          """);
      List<ZeppelinNote.Paragraph> ps = ZeppelinNote.read(file).paragraphs();
      assertThat(ps).extracting(ZeppelinNote.Paragraph::qualified).containsExactly("spark.sql", "spark.spark", "md");
      assertThat(ps).extracting(ZeppelinNote.Paragraph::code).containsExactly("SELECT 1", "val x = 1", "### Hi");
      assertThat(ps.get(1).title()).isEqualTo("T");
    } finally {
      Files.delete(file);
    }
  }

  static Set<String> fieldNames(JsonNode node) {
    Set<String> names = new HashSet<>();
    node.fieldNames().forEachRemaining(names::add);
    return names;
  }
}
