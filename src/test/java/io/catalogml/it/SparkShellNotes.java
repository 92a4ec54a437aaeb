package io.catalogml.it;

import io.catalogml.notebook.ZeppelinNote;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Runs Zeppelin notes headless: every paragraph of every note, in order, in one {@code spark-shell} of
 * {@code $SPARK_HOME} with the fat jar, Delta's session extension and the JVM options of
 * {@code jobs/lib/env.sh}, and {@code z} bound to {@code ZeppelinContextStandIn} (a stand-in, not Zeppelin).
 *
 * <p>Each {@code %spark} paragraph is loaded as one unit with {@code :paste FILE}, the way Zeppelin 0.11's
 * Scala 2.12 interpreter hands a paragraph to the REPL (one {@code interpret} of the whole text); a
 * {@code %sql} paragraph becomes {@code z.show(spark.sql(...))}, as Zeppelin's SQL interpreter shows the
 * result; {@code %md} is only checked to say something. Zeppelin's own imports come first. spark-shell
 * carries on after a failed line, so every paragraph ends by recording itself and the next line checks it:
 * the first paragraph that does not compile or throws ends the shell with exit code 1.
 */
final class SparkShellNotes {
  static final Path STAND_IN = Processes.ROOT.resolve("src/test/resources/notebooks/ZeppelinContextStandIn.scala");
  /** What Zeppelin 0.11's Spark interpreter imports before the first paragraph (AbstractSparkScalaInterpreter). */
  static final List<String> ZEPPELIN_IMPORTS = List.of("import org.apache.spark.SparkContext._",
      "import spark.implicits._", "import spark.sql", "import org.apache.spark.sql.functions._");
  private static final Pattern COMPILE_ERROR = Pattern.compile("(?m)^\\S+\\.scala:\\d+: error: .*$");
  private static final Pattern RAN = Pattern.compile("(?m)^@@ran (\\S+)");

  private SparkShellNotes() {}

  /**
   * What the shell did.
   *
   * @param exitCode the shell's, -1 when it timed out
   * @param ran paragraphs that ran to their end, as {@code note#index}
   * @param expected the code paragraphs there were
   * @param stdout the REPL's transcript
   * @param stderr Spark's log
   */
  record Outcome(int exitCode, List<String> ran, List<String> expected, String stdout, String stderr) {
    /** Compile errors the REPL reported. */
    List<String> compileErrors() {
      List<String> errors = new ArrayList<>();
      Matcher m = COMPILE_ERROR.matcher(stdout);
      while (m.find()) {
        errors.add(m.group());
      }
      return errors;
    }

    /** The JSON lines the notes printed (each job's result line), in order. */
    List<String> jsonLines() {
      return stdout.lines().filter(l -> l.startsWith("{\"job\":")).toList();
    }

    @Override
    public String toString() {
      int failed = stdout.indexOf("@@failed");
      int from = Math.max(0, (failed < 0 ? stdout.length() : failed) - 6000);
      return "exit " + exitCode + ", ran " + ran.size() + " of " + expected.size() + " paragraphs"
          + "\n--- stdout (around the failure)\n" + stdout.substring(from, Math.min(stdout.length(), from + 9000))
          + "\n--- stderr (tail)\n" + stderr.substring(Math.max(0, stderr.length() - 4000));
    }
  }

  /** The paragraph's label in the transcript: {@code note#index}. */
  static String label(ZeppelinNote note, ZeppelinNote.Paragraph p) {
    return note.shortName() + "#" + p.index();
  }

  /**
   * Writes the stand-in, one file per code paragraph and the shell's input into {@code work}.
   *
   * @param forms values of the notes' forms by name (the rest keep their defaults); each must be asked for
   * @return the shell's input and the code paragraphs' labels
   */
  static Map.Entry<Path, List<String>> script(List<ZeppelinNote> notes, Map<String, String> forms, Path work)
      throws IOException {
    if (Files.isDirectory(work)) {
      try (var old = Files.walk(work)) {
        for (Path f : old.sorted(java.util.Comparator.reverseOrder()).toList()) {
          Files.delete(f);
        }
      }
    }
    Files.createDirectories(work);
    StringBuilder main = new StringBuilder();
    ZEPPELIN_IMPORTS.forEach(i -> main.append(i).append('\n'));
    main.append(":paste ").append(STAND_IN).append('\n');
    String values = forms.entrySet().stream().map(e -> literal(e.getKey()) + " -> " + literal(e.getValue()))
        .collect(java.util.stream.Collectors.joining(", "));
    main.append("val z = new ZeppelinContextStandIn(Map[String, String](").append(values).append("))\n");
    List<String> expected = new ArrayList<>();
    for (ZeppelinNote note : notes) {
      for (ZeppelinNote.Paragraph p : note.paragraphs()) {
        String label = label(note, p);
        String code = switch (p.qualified()) {
          case "spark.spark" -> p.code();
          case "spark.sql" -> sql(label, p.code());
          case "md" -> null;
          default -> throw new IllegalArgumentException(label + ": no runner for %" + p.interpreter());
        };
        if (code == null) {
          continue;
        }
        Path file = work.resolve(String.format("%02d-%s.scala", expected.size(), label.replace('#', '-')));
        Files.writeString(file, code + "\nz.paragraphRan(" + literal(label) + ")\n", StandardCharsets.UTF_8);
        main.append(":paste ").append(file).append('\n');
        main.append("z.requireRan(").append(literal(label)).append(")\n");
        expected.add(label);
      }
    }
    main.append("z.finish(").append(expected.size()).append(")\n");
    Path input = work.resolve("notes.scala");
    Files.writeString(input, main.toString(), StandardCharsets.UTF_8);
    return Map.entry(input, List.copyOf(expected));
  }

  /** {@code %sql} as Zeppelin's Spark SQL interpreter runs one statement: its result shown as a table. */
  static String sql(String label, String statement) {
    String s = statement.strip();
    if (s.contains("\"\"\"") || s.contains("${")) {
      throw new IllegalArgumentException(label + ": the runner takes one plain SQL statement (no \"\"\", no ${form})");
    }
    if (s.endsWith(";")) {
      s = s.substring(0, s.length() - 1);
    }
    if (s.lines().filter(l -> !l.strip().startsWith("--")).anyMatch(l -> l.contains(";"))) {
      throw new IllegalArgumentException(label + ": one statement per %sql paragraph");
    }
    return "z.show(spark.sql(\"\"\"" + s + "\"\"\"))";
  }

  static String literal(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
  }

  /**
   * Runs the notes in one spark-shell ({@code local[2]}) from the project root and waits for it.
   *
   * @param javaOptions driver JVM options added to those of {@code jobs/lib/env.sh}
   */
  static Outcome run(List<ZeppelinNote> notes, Map<String, String> forms, Path work, String javaOptions,
      long timeoutMinutes) throws IOException, InterruptedException {
    Map.Entry<Path, List<String>> script = script(notes, forms, work);
    Path out = work.resolve("stdout.txt");
    Path err = work.resolve("stderr.txt");
    String shell = "source jobs/lib/env.sh && exec \"$SPARK_HOME/bin/spark-shell\" --master 'local[2]' "
        + "--driver-memory 3g --jars \"$1\" "
        + "--driver-java-options \"${SPARK_JAVA17_OPENS[*]} ${CATALOG_ML_DL4J_OPTS[*]} $2\" "
        + "--conf spark.sql.extensions=io.delta.sql.DeltaSparkSessionExtension "
        + "--conf spark.sql.catalog.spark_catalog=org.apache.spark.sql.delta.catalog.DeltaCatalog "
        + "--conf spark.delta.logStore.file.impl=io.catalogml.lake.LinkLogStore "
        + "--conf spark.serializer=org.apache.spark.serializer.KryoSerializer "
        + "--conf spark.kryo.registrator=io.catalogml.spark.Nd4jKryoRegistrator "
        + "--conf spark.kryoserializer.buffer.max=1g "
        + "--conf spark.ui.enabled=false";
    ProcessBuilder pb = new ProcessBuilder("bash", "-c", shell, "spark-shell-notes",
        System.getProperty("catalogml.fatJar"), javaOptions)
        .directory(Processes.ROOT.toFile())
        .redirectInput(script.getKey().toFile())
        .redirectOutput(out.toFile())
        .redirectError(err.toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    pb.environment().put("OMP_NUM_THREADS", "1");
    Process p = pb.start();
    boolean ended = p.waitFor(timeoutMinutes, TimeUnit.MINUTES);
    if (!ended) {
      p.destroyForcibly();
      p.waitFor(1, TimeUnit.MINUTES);
    }
    int exit = ended ? p.exitValue() : -1;
    String stdout = Files.readString(out, StandardCharsets.UTF_8);
    List<String> ran = new ArrayList<>();
    Matcher m = RAN.matcher(stdout);
    while (m.find()) {
      ran.add(m.group(1));
    }
    return new Outcome(exit, ran, script.getValue(), stdout,
        Files.readString(err, StandardCharsets.UTF_8));
  }
}
