package io.catalogml.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigRenderOptions;
import io.catalogml.config.Settings.FileFormat;
import io.catalogml.config.Settings.MissingImagePolicy;
import io.catalogml.config.Settings.SourceFormat;
import io.catalogml.config.Settings.TrackingFallback;
import io.catalogml.core.CatalogErrors;
import io.catalogml.config.ImageSpec;
import io.catalogml.config.TextSettings;
import io.catalogml.config.ModelSettings;
import io.catalogml.config.TrainSettings;
import java.io.Serializable;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The whole typed, validated configuration of one job run. Built once by
 * {@link ConfigLoader}; stages receive the part they need.
 *
 * @param spark Spark session settings
 * @param lake where tables live
 * @param tables logical table names
 * @param tracking MLflow tracking settings
 * @param source the catalogue drop to ingest
 * @param ingest validation rules
 * @param preprocess text, image and split settings
 * @param model what the train job builds
 * @param train how the train job trains
 * @param score how the score job scores
 * @param monitor when the monitor job calls a night's numbers drift
 * @param retrain when the nightly chain trains a candidate on its own
 * @param maintain table upkeep: retention of time travel, and how often nightly maintains
 * @param flat every effective key and value, for recording with a run
 */
public record CatalogConfig(
    SparkSettings spark,
    LakeSettings lake,
    TableNames tables,
    TrackingSettings tracking,
    SourceSettings source,
    IngestSettings ingest,
    PreprocessSettings preprocess,
    ModelSettings model,
    TrainSettings train,
    ScoreSettings score,
    MonitorSettings monitor,
    RetrainSettings retrain,
    MaintainSettings maintain,
    Map<String, String> flat) implements Serializable {

  /** Spark session settings. */
  public record SparkSettings(String master, String appName, Map<String, String> conf) implements Serializable {}

  /**
   * The Delta lake.
   *
   * @param root folder or URI of the tables
   * @param conflictRetries times a job redoes its write after another writer committed to the table first
   */
  public record LakeSettings(String root, int conflictRetries) implements Serializable {}

  /** Logical names of the tables, e.g. {@code bronze.products}. */
  public record TableNames(String products, String quarantine, String features, String predictions,
      String scoreQuarantine, String monitoring, String monitoringClasses, String feedback, String feedbackQuarantine,
      String review, String maintenance) implements Serializable {
    /** Every table name, in the order of the flow (a new table belongs here: the maintain job keeps these). */
    public List<String> all() {
      return List.of(products, quarantine, features, predictions, scoreQuarantine, monitoring, monitoringClasses,
          review, feedback, feedbackQuarantine, maintenance);
    }
  }

  /**
   * How the score job scores.
   *
   * @param model models:/NAME@ALIAS, models:/NAME/VERSION or a package folder; empty = the champion of model.name
   * @param batchSize products per inference minibatch
   * @param topK most probable classes stored per product
   * @param lowConfidence probability under which a prediction counts as low-confidence
   */
  public record ScoreSettings(String model, int batchSize, int topK, double lowConfidence)
      implements Serializable {}

  /**
   * When the monitor job calls a night's numbers drift: each threshold is compared with the
   * model's own reference (the model applied at training to the labelled catalogue it was trained on).
   *
   * @param night YYYY-MM-DD the row is for; empty = today (UTC)
   * @param jsDistance Jensen-Shannon distance of the night's predicted class mix from the mix at training
   * @param psi population stability index of the same two mixes
   * @param confidenceDrop fall of the mean top probability below the one at training
   * @param lowConfidenceRise rise of the low-confidence share above the one at training
   * @param unknownTokenRise rise of the unknown-word share of titles above the one at training
   * @param titleLengthChange relative change of the mean title length from the one at training
   * @param imageFailureRise rise of the share of products without a usable image
   * @param textPathRise rise of the share of predictions made without the image
   * @param agreementDrop fall of the agreement with catalogue labels below the accuracy at training
   * @param historyNights nights of history in the report
   * @param reviewSize products in the nightly review list
   * @param reviewMargin top-2 probability gap under which a prediction is a close call
   */
  public record MonitorSettings(String night, double jsDistance, double psi, double confidenceDrop,
      double lowConfidenceRise, double unknownTokenRise, double titleLengthChange, double imageFailureRise,
      double textPathRise, double agreementDrop, int historyNights, int reviewSize, double reviewMargin)
      implements Serializable {}

  /**
   * When the nightly chain trains a candidate on its own ({@link io.catalogml.monitor.RetrainPolicy}).
   *
   * @param enabled act on the decision (false: report it only)
   * @param driftNights drifted nights needed in the window, tonight among them
   * @param driftWindow monitored nights looked back over
   * @param corrections corrections since training that call for a retrain (0 = off)
   * @param agreementDrop fall of label agreement since the model's first monitored night
   */
  public record RetrainSettings(boolean enabled, int driftNights, int driftWindow, int corrections,
      double agreementDrop) implements Serializable {}

  /**
   * MLflow tracking settings; an empty uri means the local store.
   *
   * @param uri tracking server URL, or empty for the local store
   * @param localDir folder of the local store (MLflow's file-store layout)
   * @param fallback what to do when the server cannot be reached at job start
   * @param retries retries of a request that failed transiently
   * @param retryWaitMillis wait before the first retry, doubled for each further one
   * @param timeoutSeconds time limit of one request
   */
  public record TrackingSettings(String uri, String localDir, TrackingFallback fallback, int retries,
      int retryWaitMillis, int timeoutSeconds) implements Serializable {

    /** A copy with another server URI (empty = the local store). */
    public TrackingSettings withUri(String newUri) {
      return new TrackingSettings(newUri, localDir, fallback, retries, retryWaitMillis, timeoutSeconds);
    }
  }

  /** Column mapping of a generic catalogue; empty strings mean "not present". */
  public record Columns(String id, String title, String description, String image, String label,
      List<String> extra) implements Serializable {}

  /**
   * Spark SQL expressions over the source's columns that give a canonical field in place of a
   * mapped column ({@code source.generic.expressions.*}); empty strings mean "use the column".
   */
  public record Expressions(String id, String title, String description, String image, String label)
      implements Serializable {
    /** The expressions that are set, by canonical field name, in field order. */
    public Map<String, String> byField() {
      Map<String, String> m = new java.util.LinkedHashMap<>();
      m.put("id", id);
      m.put("title", title);
      m.put("description", description);
      m.put("image", image);
      m.put("label", label);
      m.values().removeIf(String::isBlank);
      return m;
    }
  }

  /**
   * An image-folder catalogue: every image file under the input folder is a product.
   *
   * @param labelFrom where a product's label comes from
   * @param labelPattern a regular expression whose first group, matched on the file name, is the label
   */
  public record ImageFolder(Settings.LabelFrom labelFrom, String labelPattern) implements Serializable {}

  /** CSV parsing options. */
  public record CsvOptions(String delimiter, String quote, String escape, String encoding) implements Serializable {}

  /** Where the catalogue drop is and how to read it. */
  public record SourceSettings(
      SourceFormat format,
      String input,
      String imageRoot,
      String imageTemplate,
      FileFormat fileFormat,
      String files,
      Columns columns,
      Expressions expressions,
      CsvOptions csv,
      String rakutenXFile,
      String rakutenYFile,
      ImageFolder imageFolder) implements Serializable {

    /** Returns a copy reading from another input folder. */
    public SourceSettings withInput(String newInput) {
      return new SourceSettings(format, newInput, imageRoot, imageTemplate, fileFormat, files, columns, expressions,
          csv, rakutenXFile, rakutenYFile, imageFolder);
    }
  }

  /**
   * Validation rules applied by the ingest job.
   *
   * @param idPattern what a product id must match
   * @param labels the allowed labels; empty = any
   * @param missingImage what happens to a product whose image file does not exist
   * @param maxImageBytes the most bytes read of one image file
   */
  public record IngestSettings(Pattern idPattern, Set<String> labels, MissingImagePolicy missingImage,
      int maxImageBytes) implements Serializable {}

  /**
   * Preprocessing: text settings and the title-group split.
   *
   * @param text how text becomes ids
   * @param image size and fit of the stored images
   * @param train share of title groups in train
   * @param validation share in validation (test gets the rest)
   * @param splitSalt salt of the group hash
   */
  public record PreprocessSettings(TextSettings text, ImageSpec image, double train, double validation, String splitSalt)
      implements Serializable {}

  static CatalogConfig from(Config c) {
    SparkSettings spark = new SparkSettings(
        Settings.SPARK_MASTER.read(c), Settings.SPARK_APP_NAME.read(c), Settings.SPARK_CONF.read(c));
    LakeSettings lake = new LakeSettings(Settings.LAKE_ROOT.read(c), Settings.LAKE_CONFLICT_RETRIES.read(c));
    TableNames tables = new TableNames(Settings.TABLE_PRODUCTS.read(c), Settings.TABLE_QUARANTINE.read(c),
        Settings.TABLE_FEATURES.read(c), Settings.TABLE_PREDICTIONS.read(c), Settings.TABLE_SCORE_QUARANTINE.read(c),
        Settings.TABLE_MONITORING.read(c), Settings.TABLE_MONITORING_CLASSES.read(c), Settings.TABLE_FEEDBACK.read(c),
        Settings.TABLE_FEEDBACK_QUARANTINE.read(c), Settings.TABLE_REVIEW.read(c), Settings.TABLE_MAINTENANCE.read(c));
    TrackingSettings tracking = new TrackingSettings(
        Settings.TRACKING_URI.read(c), Settings.TRACKING_LOCAL_DIR.read(c), Settings.TRACKING_FALLBACK.read(c),
        Settings.TRACKING_RETRIES.read(c), Settings.TRACKING_RETRY_WAIT_MS.read(c),
        Settings.TRACKING_TIMEOUT_SECONDS.read(c));
    Columns columns = new Columns(
        Settings.COLUMN_ID.read(c), Settings.COLUMN_TITLE.read(c), Settings.COLUMN_DESCRIPTION.read(c),
        Settings.COLUMN_IMAGE.read(c), Settings.COLUMN_LABEL.read(c), Settings.COLUMN_EXTRA.read(c));
    CsvOptions csv = new CsvOptions(
        Settings.CSV_DELIMITER.read(c), Settings.CSV_QUOTE.read(c), Settings.CSV_ESCAPE.read(c),
        Settings.CSV_ENCODING.read(c));
    SourceSettings source = new SourceSettings(
        Settings.SOURCE_FORMAT.read(c), Settings.SOURCE_INPUT.read(c), Settings.SOURCE_IMAGE_ROOT.read(c),
        Settings.SOURCE_IMAGE_TEMPLATE.read(c), Settings.GENERIC_FILE_FORMAT.read(c),
        Settings.GENERIC_FILES.read(c), columns,
        new Expressions(Settings.EXPRESSION_ID.read(c), Settings.EXPRESSION_TITLE.read(c),
            Settings.EXPRESSION_DESCRIPTION.read(c), Settings.EXPRESSION_IMAGE.read(c),
            Settings.EXPRESSION_LABEL.read(c)),
        csv, Settings.RAKUTEN_X_FILE.read(c), Settings.RAKUTEN_Y_FILE.read(c),
        new ImageFolder(Settings.IMAGE_FOLDER_LABEL_FROM.read(c), Settings.IMAGE_FOLDER_LABEL_PATTERN.read(c)));
    if (source.format() == SourceFormat.IMAGE_FOLDER
        && source.imageFolder().labelFrom() == Settings.LabelFrom.FILE_NAME
        && !source.imageFolder().labelPattern().contains("(")) {
      throw CatalogErrors.badConfigValue(Settings.IMAGE_FOLDER_LABEL_PATTERN.path(),
          source.imageFolder().labelPattern(), "",
          "a regular expression with a group, e.g. \"(cat|dog)\\\\..*\": its first group is the label");
    }
    IngestSettings ingest = new IngestSettings(
        Settings.INGEST_ID_PATTERN.read(c), Settings.INGEST_LABELS.read(c), Settings.INGEST_MISSING_IMAGE.read(c),
        Settings.INGEST_MAX_IMAGE_BYTES.read(c));
    TextSettings text = new TextSettings(Settings.TEXT_FOLD_ACCENTS.read(c), Settings.TEXT_DIGITS.read(c),
        Settings.TEXT_STOP_WORDS.read(c), Settings.TEXT_BIGRAMS.read(c), Settings.TEXT_MIN_COUNT.read(c),
        Settings.TEXT_MAX_VOCABULARY.read(c), Settings.TEXT_TITLE_MAX.read(c), Settings.TEXT_DESCRIPTION_MAX.read(c),
        Settings.TEXT_SUBWORD_BUCKETS.read(c), Settings.TEXT_SUBWORD_MIN.read(c), Settings.TEXT_SUBWORD_MAX.read(c),
        Settings.TEXT_SUBWORD_MAX_TOKENS.read(c), Settings.TEXT_ATTRIBUTES.read(c),
        Settings.TEXT_KEEP_HYPHENATED.read(c));
    if (!text.attributes().isEmpty() && source.format() != SourceFormat.GENERIC) {
      throw CatalogErrors.badConfigValue(Settings.TEXT_ATTRIBUTES.path(), text.attributes().toString(), "",
          "[] for source.format = " + source.format().name().toLowerCase(java.util.Locale.ROOT).replace('_', '-')
              + ": only a generic source keeps attributes that describe the product (Rakuten's are ids, an image"
              + " folder has none)");
    }
    if (new java.util.HashSet<>(text.attributes()).size() < text.attributes().size()) {
      throw CatalogErrors.badConfigValue(Settings.TEXT_ATTRIBUTES.path(), text.attributes().toString(), "",
          "each attribute named once");
    }
    for (String attribute : text.attributes()) {
      if (!columns.extra().contains(attribute)) {
        throw CatalogErrors.badConfigValue(Settings.TEXT_ATTRIBUTES.path(), attribute, "",
            "names from source.generic.columns.extra " + columns.extra() + ": only those columns reach bronze's"
                + " attributes (add the column there, ingest again, then preprocess --full)");
      }
    }
    if (text.subwords() && text.subwordMinLength() > text.subwordMaxLength()) {
      throw CatalogErrors.badConfigValue(Settings.TEXT_SUBWORD_MAX.path(), Integer.toString(text.subwordMaxLength()),
          "", "at least preprocess.text.subword-min-length = " + text.subwordMinLength());
    }
    double train = Settings.SPLIT_TRAIN.read(c);
    double validation = Settings.SPLIT_VALIDATION.read(c);
    if (train + validation > 1.0 + 1e-9) {
      throw CatalogErrors.badConfigValue(Settings.SPLIT_VALIDATION.path(), Double.toString(validation), "",
          "at most 1 - preprocess.split.train = " + (1 - train) + " (test gets what train and validation leave)");
    }
    ImageSpec image = new ImageSpec(Settings.IMAGE_WIDTH.read(c), Settings.IMAGE_HEIGHT.read(c),
        Settings.IMAGE_FIT.read(c));
    PreprocessSettings preprocess = new PreprocessSettings(text, image, train, validation, Settings.SPLIT_SALT.read(c));
    ModelSettings model = new ModelSettings(Settings.MODEL_NAME.read(c), Settings.MODEL_TYPE.read(c),
        Settings.MODEL_MODE.read(c), Settings.MODEL_TEXT_ENCODER.read(c), Settings.MODEL_EMBEDDING_SIZE.read(c),
        Settings.MODEL_MAX_TOKENS.read(c), Settings.MODEL_IMAGE_FILTERS.read(c),
        Settings.MODEL_IMAGE_STRIDE.read(c), Settings.MODEL_HIDDEN_SIZE.read(c),
        Settings.MODEL_DROPOUT.read(c), Settings.MODEL_CLASS_WEIGHTS.read(c), Settings.MODEL_SUBWORD_TOKENS.read(c));
    double dropImage = Settings.TRAIN_DROP_IMAGE.read(c);
    double dropText = Settings.TRAIN_DROP_TEXT.read(c);
    if (dropImage + dropText > 0.9 + 1e-9) {
      throw CatalogErrors.badConfigValue(Settings.TRAIN_DROP_TEXT.path(), Double.toString(dropText), "",
          "at most 0.9 - train.drop-image = " + String.format(java.util.Locale.ROOT, "%.2f", 0.9 - dropImage)
              + " (a training example loses its photo or its"
              + " text, never both, and at least a tenth keep both)");
    }
    TrainSettings training = new TrainSettings(Settings.TRAIN_MASTER.read(c), Settings.TRAIN_EPOCHS.read(c),
        Settings.TRAIN_BATCH_SIZE.read(c), Settings.TRAIN_LEARNING_RATE.read(c), Settings.TRAIN_SEED.read(c),
        Settings.TRAIN_PATIENCE.read(c), Settings.TRAIN_WORKERS.read(c), Settings.TRAIN_WORKERS_PER_EXECUTOR.read(c),
        Settings.TRAIN_AVERAGING_FREQUENCY.read(c),
        Settings.TRAIN_PREFETCH.read(c), Settings.TRAIN_SHARING_THRESHOLD.read(c), Settings.TRAIN_SHARING_PORT.read(c),
        Settings.TRAIN_SHARING_WORKER_PORT.read(c), Settings.TRAIN_SHARING_JOIN_TIMEOUT.read(c),
        Settings.TRAIN_SHARING_CONTROLLER.read(c), Settings.TRAIN_SHARING_NETWORK_MASK.read(c),
        Settings.TRAIN_CHECKPOINT_DIR.read(c), new TrainSettings.Logreg(Settings.TRAIN_LOGREG_ITERATIONS.read(c),
            Settings.TRAIN_LOGREG_REGULARIZATION.read(c), Settings.TRAIN_LOGREG_SUBLINEAR_TF.read(c), Settings.TRAIN_LOGREG_IDF.read(c),
            Settings.TRAIN_LOGREG_NORMALIZE.read(c), Settings.TRAIN_LOGREG_STANDARDIZE.read(c)),
        Settings.TRAIN_YARDSTICK.read(c), Settings.TRAIN_BLEND_BASELINE.read(c), Settings.TRAIN_SCALE_LEARNING_RATE.read(c),
        Settings.TRAIN_MIN_BATCH_SIZE.read(c), Settings.TRAIN_MIN_STEPS.read(c), Settings.TRAIN_WEIGHT_DECAY.read(c),
        Settings.TRAIN_LABEL_SMOOTHING.read(c), Settings.TRAIN_MIXUP.read(c),
        Settings.TRAIN_AVERAGE_EPOCHS.read(c),
        new TrainSettings.RateDecay(Settings.TRAIN_DECAY_AT.read(c), Settings.TRAIN_DECAY_FACTOR.read(c)),
        new TrainSettings.ModalityDropout(dropImage, dropText), Settings.TRAIN_SHIFT.read(c));
    ScoreSettings score = new ScoreSettings(Settings.SCORE_MODEL.read(c), Settings.SCORE_BATCH_SIZE.read(c),
        Settings.SCORE_TOP_K.read(c), Settings.SCORE_LOW_CONFIDENCE.read(c));
    MonitorSettings monitor = new MonitorSettings(Settings.MONITOR_NIGHT.read(c), Settings.MONITOR_JS_DISTANCE.read(c),
        Settings.MONITOR_PSI.read(c), Settings.MONITOR_CONFIDENCE_DROP.read(c),
        Settings.MONITOR_LOW_CONFIDENCE_RISE.read(c), Settings.MONITOR_UNKNOWN_RISE.read(c),
        Settings.MONITOR_TITLE_LENGTH_CHANGE.read(c), Settings.MONITOR_IMAGE_FAILURE_RISE.read(c),
        Settings.MONITOR_TEXT_PATH_RISE.read(c), Settings.MONITOR_AGREEMENT_DROP.read(c),
        Settings.MONITOR_HISTORY_NIGHTS.read(c), Settings.MONITOR_REVIEW_SIZE.read(c),
        Settings.MONITOR_REVIEW_MARGIN.read(c));
    RetrainSettings retrain = new RetrainSettings(Settings.RETRAIN_ENABLED.read(c), Settings.RETRAIN_DRIFT_NIGHTS.read(c),
        Settings.RETRAIN_DRIFT_WINDOW.read(c), Settings.RETRAIN_CORRECTIONS.read(c),
        Settings.RETRAIN_AGREEMENT_DROP.read(c));
    MaintainSettings maintain = new MaintainSettings(Settings.MAINTAIN_RETENTION.read(c),
        Settings.MAINTAIN_EVERY_NIGHTS.read(c), Settings.MAINTAIN_TABLES.read(c));
    for (String t : maintain.tables()) {
      if (!tables.all().contains(t)) {
        throw CatalogErrors.badConfigValue(Settings.MAINTAIN_TABLES.path(), maintain.tables().toString(), "",
            "a list of the lake's tables (tables.*): " + String.join(", ", tables.all()));
      }
    }
    return new CatalogConfig(spark, lake, tables, tracking, source, ingest, preprocess, model, training, score,
        monitor, retrain, maintain, flatten(c));
  }

  private static Map<String, String> flatten(Config c) {
    Map<String, String> flat = new TreeMap<>();
    c.entrySet().forEach(e -> flat.put(e.getKey(), e.getValue().render(ConfigRenderOptions.concise())));
    return Map.copyOf(flat);
  }

  /**
   * Every effective key with its value as a person writes it: strings without their HOCON quotes
   * ({@code text}, not {@code "text"}), so a value set by {@code --set} (always a string) and the
   * same value from a file compare equal. Lists and objects stay in HOCON form.
   */
  public Map<String, String> plainValues() {
    Map<String, String> plain = new TreeMap<>();
    flat.forEach((k, v) -> plain.put(k, unquoted(v)));
    return plain;
  }

  /**
   * The configuration as it may be shown, logged or recorded (run params, model cards,
   * notebooks): {@link #plainValues()} with the user info of {@code tracking.uri} removed. The
   * one sanitised view; {@link #flat()} itself must never leave the process.
   */
  public Map<String, String> publicValues() {
    Map<String, String> values = plainValues();
    values.computeIfPresent(Settings.TRACKING_URI.path(), (k, v) -> withoutUserInfo(v));
    return values;
  }

  /** {@code uri} without user info ({@code http://u:p@h:5000} gives {@code http://h:5000}). */
  public static String withoutUserInfo(String uri) {
    try {
      java.net.URI u = new java.net.URI(uri);
      if (u.getRawUserInfo() == null) {
        return uri;
      }
      return new java.net.URI(u.getScheme(), null, u.getHost(), u.getPort(), u.getPath(), u.getQuery(),
          u.getFragment()).toString();
    } catch (java.net.URISyntaxException e) {
      return uri.replaceFirst("//[^/@]*@", "//");
    }
  }

  private static String unquoted(String hocon) {
    if (!hocon.startsWith("\"")) {
      return hocon;
    }
    try {
      return io.catalogml.core.Json.mapper().readTree(hocon).asText();
    } catch (java.io.IOException e) {
      return hocon;
    }
  }

  /** Returns a copy whose source reads from another input folder. */
  public CatalogConfig withInput(String input) {
    return new CatalogConfig(spark, lake, tables, tracking, source.withInput(input), ingest, preprocess, model, train,
        score, monitor, retrain, maintain, flat);
  }
}
