package io.catalogml.preprocess.text;

import io.catalogml.config.TextSettings;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.udf;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.catalogml.core.Json;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.types.DataTypes;

/**
 * The fitted text pipeline: settings plus a vocabulary fitted on the training split. It is an
 * immutable, versioned artifact ({@link #id()} is a hash of its content), saved beside the
 * features and loaded unchanged at scoring time, so the same text always gives the same ids.
 *
 * <p>Ids: {@value #PADDING} is padding (never emitted), {@value #UNKNOWN} an unknown word; known
 * features start at {@value #FIRST_ID}. Features are the unigrams in order, each followed by the
 * bigram it closes; unknown bigrams are left out.
 *
 * <p>Attributes ({@code preprocess.text.attributes}): each named attribute's value is one token,
 * {@code name=value}, in the same vocabulary; its id comes first in {@code description_ids}.
 *
 * <p>Subword ids ({@code preprocess.text.subword-buckets} &gt; 0) follow the vocabulary, from
 * {@link #wordIds()} to {@link #size()}: each word, between boundary marks ({@code <shirt>}),
 * gives its character n-grams of the configured lengths, hashed (32-bit FNV-1a of the UTF-8
 * bytes, as fastText does) into the buckets. They need no fitting, so a word the vocabulary
 * lacks ({@code tshirts}) still shares ids with the known words it resembles ({@code tshirt}).
 */
public final class TextPipeline implements Serializable {
  public static final int PADDING = 0;
  public static final int UNKNOWN = 1;
  public static final int FIRST_ID = 2;
  /** The column of {@code bronze.products} that {@code preprocess.text.attributes} names are looked up in. */
  public static final String ATTRIBUTES = "attributes";

  private final TextSettings settings;
  private final List<String> vocabulary;
  private final String id;
  private transient Map<String, Integer> index;
  private transient TextNormalizer normalizer;

  /** Jackson form of the artifact. */
  record Artifact(String format, TextSettings settings, List<String> vocabulary) {}

  private static final String FORMAT = "catalog-ml/text-pipeline/1";

  public TextPipeline(TextSettings settings, List<String> vocabulary) {
    this.settings = settings;
    this.vocabulary = List.copyOf(vocabulary);
    this.id = sha256(toJson()).substring(0, 16);
  }

  /** Content hash of settings and vocabulary, e.g. {@code 3f2a9c0d1e4b5a67}. */
  public String id() {
    return id;
  }

  public TextSettings settings() {
    return settings;
  }

  /** Every id the pipeline emits is below this: padding, unknown, the vocabulary, then the subword buckets. */
  public int size() {
    return wordIds() + settings.subwordBuckets();
  }

  /** Ids of padding, unknown and the vocabulary (word and bigram ids are below this; subword ids start here). */
  public int wordIds() {
    return vocabulary.size() + FIRST_ID;
  }

  /** Token ids of one text, at most {@code maxTokens}. */
  public int[] encode(String text, int maxTokens) {
    List<String> tokens = normalizer().tokens(text);
    int[] ids = new int[maxTokens];
    int n = 0;
    for (int i = 0; i < tokens.size() && n < maxTokens; i++) {
      Integer unigram = index().get(tokens.get(i));
      ids[n++] = unigram == null ? UNKNOWN : unigram;
      if (settings.bigrams() && i > 0 && n < maxTokens) {
        Integer bigram = index().get(tokens.get(i - 1) + " " + tokens.get(i));
        if (bigram != null) {
          ids[n++] = bigram;
        }
      }
    }
    return java.util.Arrays.copyOf(ids, n);
  }

  /**
   * Words of a title as this pipeline reads them (normalised, stop words out, not truncated), and
   * how many of them are outside the vocabulary: {@code {words, unknown}}. What monitoring
   * compares between the training split and a night's catalogue.
   */
  public int[] titleWords(String title) {
    List<String> tokens = normalizer().tokens(title);
    int unknown = 0;
    for (String t : tokens) {
      if (index().get(t) == null) {
        unknown++;
      }
    }
    return new int[] {tokens.size(), unknown};
  }

  /** Title ids, truncated to the configured title length. */
  public int[] encodeTitle(String title) {
    return encode(title, settings.titleMaxTokens());
  }

  /** Description ids, truncated to the configured description length. */
  public int[] encodeDescription(String description) {
    return encode(description, settings.descriptionMaxTokens());
  }

  /**
   * The ids of a product's attributes (those of {@code preprocess.text.attributes}, in that order;
   * a value the vocabulary lacks gives none), then its description ids truncated as
   * {@link #encodeDescription(String)} does: what silver's {@code description_ids} holds.
   *
   * @param attributes bronze's {@code attributes} of the product (null = none)
   */
  public int[] encodeDescription(String description, scala.collection.Map<String, String> attributes) {
    int[] text = encodeDescription(description);
    if (settings.attributes().isEmpty()) {
      return text;
    }
    String[] tokens = attributeTokens(settings.attributes(), attributes);
    int[] ids = new int[tokens.length + text.length];
    int n = 0;
    for (String token : tokens) {
      Integer id = index().get(token);
      if (id != null) {
        ids[n++] = id;
      }
    }
    System.arraycopy(text, 0, ids, n, text.length);
    return java.util.Arrays.copyOf(ids, n + text.length);
  }

  /**
   * The token of one attribute value: {@code name=value}, the value lower-cased with its runs of
   * white space made one space ({@code usage=casual}, {@code colour=navy blue}); null for a blank
   * value. One token, never split into words, bigrams or subwords: the value is a category.
   */
  public static String attributeToken(String name, String value) {
    if (value == null || value.isBlank()) {
      return null;
    }
    return name + "=" + value.strip().toLowerCase(java.util.Locale.ROOT).replaceAll("\\s+", " ");
  }

  /** The attribute tokens of a product, as {@link #attributeToken} makes them, for the vocabulary's count. */
  static String[] attributeTokens(List<String> names, scala.collection.Map<String, String> attributes) {
    if (attributes == null) {
      return new String[0];
    }
    List<String> out = new ArrayList<>(names.size());
    for (String name : names) {
      scala.Option<String> value = attributes.get(name);
      String token = value.isDefined() ? attributeToken(name, value.get()) : null;
      if (token != null) {
        out.add(token);
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Subword ids of a product's words, title words first, then the description's (when
   * descriptions are read), at most {@code subword-max-tokens}; empty without subword buckets.
   */
  public int[] encodeSubwords(String title, String description) {
    if (!settings.subwords()) {
      return new int[0];
    }
    int[] ids = new int[settings.subwordMaxTokens()];
    int n = subwords(normalizer().tokens(title), ids, 0);
    if (settings.descriptionMaxTokens() > 0) {
      n = subwords(normalizer().tokens(description), ids, n);
    }
    return java.util.Arrays.copyOf(ids, n);
  }

  private int subwords(List<String> tokens, int[] ids, int n) {
    int first = wordIds();
    int buckets = settings.subwordBuckets();
    for (String token : tokens) {
      byte[] word = ("<" + token + ">").getBytes(StandardCharsets.UTF_8);
      int[] starts = characterStarts(word);
      int characters = starts.length - 1;
      for (int length = settings.subwordMinLength(); length <= settings.subwordMaxLength(); length++) {
        for (int c = 0; c + length <= characters; c++) {
          if (n == ids.length) {
            return n;
          }
          ids[n++] = first + Integer.remainderUnsigned(fnv1a(word, starts[c], starts[c + length]), buckets);
        }
      }
    }
    return n;
  }

  /** Byte offsets at which the UTF-8 characters of {@code utf8} start, and its length last. */
  private static int[] characterStarts(byte[] utf8) {
    int[] starts = new int[utf8.length + 1];
    int n = 0;
    for (int i = 0; i < utf8.length; i++) {
      if ((utf8[i] & 0xC0) != 0x80) {
        starts[n++] = i;
      }
    }
    starts[n++] = utf8.length;
    return java.util.Arrays.copyOf(starts, n);
  }

  /** 32-bit FNV-1a of {@code bytes[from, to)}. */
  static int fnv1a(byte[] bytes, int from, int to) {
    int h = 0x811C9DC5;
    for (int i = from; i < to; i++) {
      h ^= bytes[i] & 0xFF;
      h *= 0x01000193;
    }
    return h;
  }

  /** The unigram and bigram features of a text, as strings (what the vocabulary counts). */
  static String[] features(TextNormalizer normalizer, boolean bigrams, String text) {
    List<String> tokens = normalizer.tokens(text);
    List<String> out = new ArrayList<>(tokens.size() * 2);
    for (int i = 0; i < tokens.size(); i++) {
      out.add(tokens.get(i));
      if (bigrams && i > 0) {
        out.add(tokens.get(i - 1) + " " + tokens.get(i));
      }
    }
    return out.toArray(String[]::new);
  }

  /**
   * Fits the vocabulary on the given texts (the training split): features counted on the
   * executors, kept when seen at least {@code minCount} times, most frequent first (ties by
   * feature), at most {@code maxVocabulary}. With {@code preprocess.text.attributes}, their tokens
   * ({@link #attributeToken}) are counted too, from {@code training}'s {@value #ATTRIBUTES} column.
   */
  public static TextPipeline fit(Dataset<Row> training, String titleColumn, String descriptionColumn,
      TextSettings settings) {
    TextNormalizer normalizer = new TextNormalizer(settings);
    boolean bigrams = settings.bigrams();
    UserDefinedFunction features = udf(
        (UDF1<String, String[]>) text -> features(normalizer, bigrams, text),
        DataTypes.createArrayType(DataTypes.StringType));
    Dataset<Row> counted = training.select(explode(features.apply(col(titleColumn))).as("f"))
        .union(training.select(explode(features.apply(col(descriptionColumn))).as("f")));
    if (!settings.attributes().isEmpty()) {
      List<String> names = settings.attributes();
      UserDefinedFunction tokens = udf(
          (UDF1<scala.collection.Map<String, String>, String[]>) a -> attributeTokens(names, a),
          DataTypes.createArrayType(DataTypes.StringType));
      counted = counted.union(training.select(explode(tokens.apply(col(ATTRIBUTES))).as("f")));
    }
    List<String> vocabulary = new ArrayList<>();
    counted
        .groupBy("f").agg(count("*").as("n"))
        .where(col("n").geq(settings.minCount()))
        .orderBy(col("n").desc(), col("f").asc())
        .limit(settings.maxVocabulary())
        .collectAsList()
        .forEach(r -> vocabulary.add(r.getString(0)));
    return new TextPipeline(settings, vocabulary);
  }

  /** Saves as {@code <folder>/<id>.json}; returns that location. */
  public String save(String folder, Configuration hadoop) {
    Path path = new Path(folder, id + ".json");
    // The id is a hash of the content, so an existing file already holds this pipeline. A new one
    // is written aside and renamed into place: a concurrent reader never sees a half-written file.
    Path aside = new Path(folder, "." + id + ".json." + java.util.UUID.randomUUID() + ".tmp");
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      if (fs.exists(path)) {
        return path.toString();
      }
      try (OutputStream out = fs.create(aside, false)) {
        out.write(toJson().getBytes(StandardCharsets.UTF_8));
      }
      if (!fs.rename(aside, path)) {
        fs.delete(aside, false);
        if (!fs.exists(path)) {
          throw new IOException("cannot rename " + aside + " to " + path);
        }
      }
      return path.toString();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Loads a pipeline saved by {@link #save}; checks its content against its id. */
  public static TextPipeline load(String location, Configuration hadoop) {
    Path path = new Path(location);
    try (InputStream in = path.getFileSystem(hadoop).open(path)) {
      return fromJson(new String(in.readAllBytes(), StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Whether a pipeline file exists at {@code location}. */
  public static boolean exists(String location, Configuration hadoop) {
    Path path = new Path(location);
    try {
      FileSystem fs = path.getFileSystem(hadoop);
      return fs.exists(path);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses the JSON form written by {@link #toJson()}. */
  public static TextPipeline fromJson(String json) throws IOException {
    Artifact a = Json.mapper().readValue(json, Artifact.class);
    if (!FORMAT.equals(a.format())) {
      throw new IOException("unknown text pipeline format '" + a.format() + "'");
    }
    return new TextPipeline(a.settings(), a.vocabulary());
  }

  /** The artifact's JSON form: format, settings and vocabulary. */
  public String toJson() {
    try {
      return Json.mapper().writeValueAsString(new Artifact(FORMAT, settings, vocabulary));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private Map<String, Integer> index() {
    if (index == null) {
      Map<String, Integer> m = new HashMap<>(vocabulary.size() * 2);
      for (int i = 0; i < vocabulary.size(); i++) {
        m.put(vocabulary.get(i), i + FIRST_ID);
      }
      index = m;
    }
    return index;
  }

  private TextNormalizer normalizer() {
    if (normalizer == null) {
      normalizer = new TextNormalizer(settings);
    }
    return normalizer;
  }

  private static String sha256(String s) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
