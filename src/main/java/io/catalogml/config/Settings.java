package io.catalogml.config;

import io.catalogml.config.ImageSpec;
import io.catalogml.config.TextSettings;
import io.catalogml.config.ModelSettings;
import io.catalogml.config.TrainSettings;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Every configuration key catalog-ml knows, with its type and help text. Keys not listed here
 * are rejected at start-up; defaults live in {@code conf/application.conf}.
 */
public final class Settings {
  private Settings() {}

  private static final String TABLE_NAME = "[a-z_][a-z0-9_]*(\\.[a-z_][a-z0-9_]*)?";
  private static final String TABLE_ALLOWED = "a table name like 'bronze.products' (lower case letters, digits, '_', one optional '.')";

  public static final Setting<String> SPARK_MASTER = Setting.nonEmpty("spark.master",
      "Spark master for local runs; ignored when spark-submit already set one.");
  public static final Setting<String> SPARK_APP_NAME = Setting.nonEmpty("spark.app-name",
      "Spark application name prefix; the job name is appended.");
  public static final Setting<Map<String, String>> SPARK_CONF = Setting.stringMap("spark.conf",
      "Extra Spark properties, passed to the session as they are (quote dotted keys).");

  public static final Setting<String> LAKE_ROOT = Setting.nonEmpty("lake.root",
      "Folder or URI under which every Delta table lives (<root>/<layer>/<table>).");
  public static final Setting<Integer> LAKE_CONFLICT_RETRIES = Setting.intRange("lake.conflict-retries", 0, 100,
      "Times a job (ingest, preprocess, score) redoes its write, re-reading the table, after another writer "
          + "committed to the same Delta table first; then it exits 75.");
  public static final Setting<String> TABLE_PRODUCTS = Setting.matching("tables.products", TABLE_NAME, TABLE_ALLOWED,
      "Table of ingested products, one row per product id.");
  public static final Setting<String> TABLE_QUARANTINE = Setting.matching("tables.quarantine", TABLE_NAME, TABLE_ALLOWED,
      "Table of rejected input rows with their reason.");

  public static final Setting<String> TABLE_FEATURES = Setting.matching("tables.features", TABLE_NAME, TABLE_ALLOWED,
      "Table of model-ready features, one row per product, with its split.");

  public static final Setting<String> TABLE_PREDICTIONS = Setting.matching("tables.predictions", TABLE_NAME,
      TABLE_ALLOWED, "Table of the latest prediction of every product, written by the score job.");
  public static final Setting<String> TABLE_MONITORING = Setting.matching("tables.monitoring", TABLE_NAME,
      TABLE_ALLOWED, "Table of the monitor job's nightly rows: drift and confidence metrics, one row per night.");
  public static final Setting<String> TABLE_MONITORING_CLASSES = Setting.matching("tables.monitoring-classes",
      TABLE_NAME, TABLE_ALLOWED, "Table of the monitor job's per-class rows: one row per night and class.");
  public static final Setting<String> TABLE_FEEDBACK = Setting.matching("tables.feedback", TABLE_NAME, TABLE_ALLOWED,
      "Table of label corrections from the feedback job, one row per product; preprocess uses its label.");
  public static final Setting<String> TABLE_FEEDBACK_QUARANTINE = Setting.matching("tables.feedback-quarantine",
      TABLE_NAME, TABLE_ALLOWED, "Table of rejected correction rows with their reason.");
  public static final Setting<String> TABLE_REVIEW = Setting.matching("tables.review", TABLE_NAME, TABLE_ALLOWED,
      "Table of the products most worth a person's look, refreshed by the monitor job each night.");
  public static final Setting<String> TABLE_MAINTENANCE = Setting.matching("tables.maintenance", TABLE_NAME,
      TABLE_ALLOWED, "Table of the maintain job's rows, one per table and run (files and bytes before and after); "
          + "nightly's maintain.every-nights counts from its last run.");
  public static final Setting<String> TABLE_SCORE_QUARANTINE = Setting.matching("tables.score-quarantine", TABLE_NAME,
      TABLE_ALLOWED, "Table of products the score job could not score, with the reason.");

  public static final Setting<String> TRACKING_URI = Setting.matching("tracking.uri", "|https?://\\S+",
      "empty, or an http(s) URL of an MLflow tracking server",
      "MLflow tracking server every job records its run in; empty means the local store in tracking.local-dir.");
  public static final Setting<String> TRACKING_LOCAL_DIR = Setting.nonEmpty("tracking.local-dir",
      "Local MLflow file store used when tracking.uri is empty.");
  public static final Setting<TrackingFallback> TRACKING_FALLBACK = Setting.oneOf("tracking.fallback",
      TrackingFallback.class,
      "When the tracking server cannot be reached at job start: fail before any work, or warn and use the local store.");
  public static final Setting<Integer> TRACKING_RETRIES = Setting.intRange("tracking.retries", 0, 100,
      "Retries of a tracking request that failed with a 5xx, a 429, a timeout or a lost connection.");
  public static final Setting<Integer> TRACKING_RETRY_WAIT_MS = Setting.intRange("tracking.retry-wait-ms", 1, 600000,
      "Wait before the first retry in milliseconds; doubled for each further retry.");
  public static final Setting<Integer> TRACKING_TIMEOUT_SECONDS = Setting.intRange("tracking.timeout-seconds", 1, 3600,
      "Time limit of one tracking request (artifact transfers included) before it counts as failed.");

  public static final Setting<SourceFormat> SOURCE_FORMAT = Setting.oneOf("source.format", SourceFormat.class,
      "Layout of the catalogue drop: a generic table, the Rakuten challenge files, or a folder of images.");
  public static final Setting<String> SOURCE_INPUT = Setting.string("source.input",
      "Folder of the catalogue drop; the ingest job's --input sets it.");
  public static final Setting<String> SOURCE_IMAGE_ROOT = Setting.string("source.image-root",
      "Folder that image paths are relative to, itself relative to source.input; no image may lie outside it.");
  public static final Setting<String> SOURCE_IMAGE_TEMPLATE = Setting.string("source.image-template",
      "Image path built from columns, e.g. 'image_{imageid}_product_{productid}.jpg'; used when no image column is mapped.");

  public static final Setting<FileFormat> GENERIC_FILE_FORMAT = Setting.oneOf("source.generic.file-format", FileFormat.class,
      "File format of a generic catalogue (csv, JSON lines, Parquet).");
  public static final Setting<String> GENERIC_FILES = Setting.nonEmpty("source.generic.files",
      "File name or glob of the catalogue files, relative to source.input.");
  public static final Setting<String> COLUMN_ID = Setting.nonEmpty("source.generic.columns.id",
      "Column holding the product id.");
  public static final Setting<String> COLUMN_TITLE = Setting.string("source.generic.columns.title",
      "Column holding the product title ('' = none).");
  public static final Setting<String> COLUMN_DESCRIPTION = Setting.string("source.generic.columns.description",
      "Column holding the description ('' = none).");
  public static final Setting<String> COLUMN_IMAGE = Setting.string("source.generic.columns.image",
      "Column holding the image path relative to source.image-root ('' = use source.image-template).");
  public static final Setting<String> COLUMN_LABEL = Setting.string("source.generic.columns.label",
      "Column holding the class label ('' = unlabelled catalogue).");
  public static final Setting<List<String>> COLUMN_EXTRA = Setting.stringList("source.generic.columns.extra",
      "Further columns kept in the products' attributes map.");
  public static final Setting<LabelFrom> IMAGE_FOLDER_LABEL_FROM = Setting.oneOf("source.image-folder.label-from",
      LabelFrom.class, "Label of an image-folder product: its parent folder's name, a group of its file name, or none.");
  public static final Setting<String> IMAGE_FOLDER_LABEL_PATTERN = Setting.string("source.image-folder.label-pattern",
      "With label-from = file-name: a Java regular expression matched on the whole file name; its first group is the label.");
  public static final Setting<String> EXPRESSION_ID = expression("id");
  public static final Setting<String> EXPRESSION_TITLE = expression("title");
  public static final Setting<String> EXPRESSION_DESCRIPTION = expression("description");
  public static final Setting<String> EXPRESSION_IMAGE = expression("image");
  public static final Setting<String> EXPRESSION_LABEL = expression("label");


  public static final Setting<String> CSV_DELIMITER = Setting.singleChar("source.csv.delimiter",
      "CSV field delimiter.");
  public static final Setting<String> CSV_QUOTE = Setting.singleChar("source.csv.quote",
      "CSV quote character; quoted fields may span lines.");
  public static final Setting<String> CSV_ESCAPE = Setting.singleChar("source.csv.escape",
      "CSV escape character inside quoted fields (the quote itself = RFC 4180 doubling).");
  public static final Setting<String> CSV_ENCODING = Setting.matching("source.csv.encoding",
      "(?i)UTF-8|UTF-16|UTF-16LE|UTF-16BE|ISO-8859-1|ISO-8859-15|windows-1252|US-ASCII",
      "one of: UTF-8, UTF-16, UTF-16LE, UTF-16BE, ISO-8859-1, ISO-8859-15, windows-1252, US-ASCII",
      "Character set of CSV files (a UTF-8 byte-order mark is removed).");

  public static final Setting<String> RAKUTEN_X_FILE = Setting.nonEmpty("source.rakuten.x-file",
      "Rakuten X file (index, designation, description, productid, imageid), relative to source.input.");
  public static final Setting<String> RAKUTEN_Y_FILE = Setting.string("source.rakuten.y-file",
      "Rakuten Y file (index, prdtypecode) joined by index; '' for an unlabelled drop.");

  public static final Setting<Pattern> INGEST_ID_PATTERN = Setting.regex("ingest.id-pattern",
      "Pattern a product id must match in full; others are quarantined as malformed_id.");
  public static final Setting<Set<String>> INGEST_LABELS = Setting.stringSet("ingest.labels",
      "Allowed labels; empty allows any. Others are quarantined as unknown_label.");
  public static final Setting<MissingImagePolicy> INGEST_MISSING_IMAGE = Setting.oneOf("ingest.missing-image",
      MissingImagePolicy.class,
      "What to do with a product whose image file does not exist: quarantine it, or keep it without image.");
  public static final Setting<Integer> INGEST_MAX_IMAGE_BYTES = Setting.intRange("ingest.max-image-bytes", 1024,
      1 << 30, "Most bytes read of one image file; a larger one is quarantined as image_too_large.");

  public static final Setting<Boolean> TEXT_FOLD_ACCENTS = Setting.bool("preprocess.text.fold-accents",
      "Remove diacritics (été → ete) after lower-casing.");
  public static final Setting<TextSettings.Digits> TEXT_DIGITS = Setting.oneOf("preprocess.text.digits",
      TextSettings.Digits.class, "Digit runs: keep them, drop them, or mask each run as 0.");
  public static final Setting<List<String>> TEXT_STOP_WORDS = Setting.stringListOf("preprocess.text.stop-words",
      Set.of("danish", "dutch", "english", "finnish", "french", "german", "hungarian", "italian", "norwegian",
          "portuguese", "russian", "spanish", "swedish", "turkish"),
      "Spark ML stop word lists removed from the tokens.");
  public static final Setting<Boolean> TEXT_BIGRAMS = Setting.bool("preprocess.text.bigrams",
      "Add word bigrams to the unigrams.");
  public static final Setting<Integer> TEXT_MIN_COUNT = Setting.intRange("preprocess.text.min-count", 1, 1_000_000,
      "Minimum count in the training split for a unigram or bigram to get an id.");
  public static final Setting<Integer> TEXT_MAX_VOCABULARY = Setting.intRange("preprocess.text.max-vocabulary", 10,
      10_000_000, "Maximum vocabulary size, most frequent first.");
  public static final Setting<Integer> TEXT_TITLE_MAX = Setting.intRange("preprocess.text.title-max-tokens", 1, 4096,
      "Maximum ids kept for a title (truncated).");
  public static final Setting<Integer> TEXT_DESCRIPTION_MAX = Setting.intRange("preprocess.text.description-max-tokens",
      0, 65536, "Maximum ids kept for a description (truncated; 0 = ignore descriptions).");
  public static final Setting<Integer> TEXT_SUBWORD_BUCKETS = Setting.intRange("preprocess.text.subword-buckets", 0,
      16_777_216, "Hash buckets of the words' character n-grams, ids after the vocabulary (0 = no subword ids).");
  public static final Setting<Integer> TEXT_SUBWORD_MIN = Setting.intRange("preprocess.text.subword-min-length", 1, 32,
      "Shortest character n-gram of a word, its boundary marks < and > included.");
  public static final Setting<Integer> TEXT_SUBWORD_MAX = Setting.intRange("preprocess.text.subword-max-length", 1, 32,
      "Longest character n-gram of a word, its boundary marks < and > included.");
  public static final Setting<Integer> TEXT_SUBWORD_MAX_TOKENS = Setting.intRange("preprocess.text.subword-max-tokens",
      1, 65536, "Maximum subword ids kept for a product, title words first (truncated).");
  public static final Setting<List<String>> TEXT_ATTRIBUTES = Setting.stringList("preprocess.text.attributes",
      "Product attributes (names of source.generic.columns.extra) read as features: each value one token, name=value.");
  public static final Setting<Boolean> TEXT_KEEP_HYPHENATED = Setting.bool("preprocess.text.keep-hyphenated",
      "The parts of a hyphenated word stay words even when a stop-word list names them (T-shirt reads t shirt).");
  public static final Setting<Integer> IMAGE_WIDTH = Setting.intRange("preprocess.image.width", 1, 1024,
      "Width in pixels of the stored image.");
  public static final Setting<Integer> IMAGE_HEIGHT = Setting.intRange("preprocess.image.height", 1, 1024,
      "Height in pixels of the stored image.");
  public static final Setting<ImageSpec.Fit> IMAGE_FIT = Setting.oneOf("preprocess.image.fit", ImageSpec.Fit.class,
      "Keep the aspect ratio by padding (black borders) or by centre-cropping.");
  public static final Setting<Double> SPLIT_TRAIN = Setting.fraction("preprocess.split.train",
      "Share of title groups in the training split.");
  public static final Setting<Double> SPLIT_VALIDATION = Setting.fraction("preprocess.split.validation",
      "Share of title groups in the validation split; the rest is test.");
  public static final Setting<String> SPLIT_SALT = Setting.nonEmpty("preprocess.split.salt",
      "Salt of the title-group hash; changing it reshuffles every split.");

  public static final Setting<String> MODEL_NAME = Setting.matching("model.name", "[A-Za-z0-9][A-Za-z0-9_.-]{0,99}",
      "a name of letters, digits, '_', '.', '-'", "Registered model name the train job creates versions of.");
  public static final Setting<ModelSettings.Type> MODEL_TYPE = Setting.oneOf("model.type", ModelSettings.Type.class,
      "Model family: a DL4J network trained on Spark, or the MLlib TF-IDF + logistic regression baseline.");
  public static final Setting<ModelSettings.Mode> MODEL_MODE = Setting.oneOf("model.mode", ModelSettings.Mode.class,
      "Inputs of the DL4J network: text ids, the image, or both fused.");
  public static final Setting<ModelSettings.TextEncoder> MODEL_TEXT_ENCODER = Setting.oneOf("model.text.encoder",
      ModelSettings.TextEncoder.class,
      "Text branch: mean of the embeddings of all the product's ids (fastText's embedding bag) or a 1-D convolution "
      + "with max pooling over their sequence.");
  public static final Setting<Integer> MODEL_EMBEDDING_SIZE = Setting.intRange("model.text.embedding-size", 2, 1024,
      "Size of the token embeddings.");
  public static final Setting<Integer> MODEL_MAX_TOKENS = Setting.intRange("model.text.max-tokens", 1, 4096,
      "Token ids the network reads per product: title ids, then description ids, truncated.");
  public static final Setting<Integer> MODEL_SUBWORD_TOKENS = Setting.intRange("model.text.max-subword-tokens", 0,
      4096, "Subword ids the network reads after the word ids, averaged with them (0 = word ids only).");
  public static final Setting<List<Integer>> MODEL_IMAGE_FILTERS = Setting.intList("model.image.filters", 1, 1024, 6,
      "Output channels of the image branch's convolution blocks (each: 3x3 convolution, ReLU, 2x2 max pooling).");
  public static final Setting<Integer> MODEL_IMAGE_STRIDE = Setting.intRange("model.image.stride", 1, 4,
      "Stride of the first image convolution: 2 halves the image before any other work (about 3x faster).");
  public static final Setting<Integer> MODEL_HIDDEN_SIZE = Setting.intRange("model.hidden-size", 1, 8192,
      "Width of the dense layer before the softmax.");
  public static final Setting<Double> MODEL_DROPOUT = Setting.doubleRange("model.dropout", 0.0, 0.9,
      "Dropout probability on the dense layer's input (0 = none).");
  public static final Setting<Boolean> MODEL_CLASS_WEIGHTS = Setting.bool("model.class-weights",
      "Weight the loss by inverse class frequency in the training split (for imbalanced catalogues).");

  public static final Setting<TrainSettings.Master> TRAIN_MASTER = Setting.oneOf("train.master",
      TrainSettings.Master.class,
      "How the workers train: DL4J's Spark masters (averaging: parameter averaging; sharing: gradient sharing over the parameter server), threads: parameter averaging between threads of the driver JVM, with a local Spark master only (no Spark job per round), or auto: threads on a local Spark master, averaging on a cluster.");
  public static final Setting<Integer> TRAIN_EPOCHS = Setting.intRange("train.epochs", 1, 10000,
      "Maximum passes over the training split.");
  public static final Setting<Integer> TRAIN_BATCH_SIZE = Setting.intRange("train.batch-size", 1, 65536,
      "Examples per minibatch on each worker, at most: smaller when the training split is too small for train.min-steps of them.");
  public static final Setting<Integer> TRAIN_MIN_BATCH_SIZE = Setting.intRange("train.min-batch-size", 1, 65536,
      "The smallest minibatch a small training split shrinks train.batch-size to.");
  public static final Setting<Integer> TRAIN_MIN_STEPS = Setting.intRange("train.min-steps", 1, 1000000,
      "Minibatches each worker should take an epoch at least; below that the minibatch shrinks, and the learning rate by the square root of the ratio.");
  public static final Setting<Double> TRAIN_LEARNING_RATE = Setting.doubleRange("train.learning-rate", 1e-7, 10.0,
      "Adam learning rate at train.batch-size.");
  public static final Setting<Double> TRAIN_WEIGHT_DECAY = Setting.doubleRange("train.weight-decay", 0.0, 1.0,
      "Decoupled weight decay: each step also takes learning rate x this x w off every weight of the network (not the biases); 0 = none.");
  public static final Setting<Double> TRAIN_LABEL_SMOOTHING = Setting.doubleRange("train.label-smoothing", 0.0, 0.5,
      "Share of each training label spread evenly over all classes (the target is (1 - this) x one-hot + this / classes); 0 = one-hot.");
  public static final Setting<Double> TRAIN_MIXUP = Setting.doubleRange("train.mixup", 0.0, 10.0,
      "Image-only networks (model.mode = image): alpha of mixup's Beta(alpha, alpha); each training photo is blended with another of its minibatch, and its label likewise; 0 = none.");
  public static final Setting<Double> TRAIN_DROP_IMAGE = Setting.doubleRange("train.drop-image", 0.0, 0.9,
      "Fusion networks: share of training examples, drawn anew each minibatch, whose photo is withheld (a zero image and image_present = 0, as a product whose image is unusable is scored), so the network also learns its text path; 0 = none.");
  public static final Setting<Double> TRAIN_DROP_TEXT = Setting.doubleRange("train.drop-text", 0.0, 0.9,
      "Fusion networks: share of training examples, drawn anew each minibatch and never the ones train.drop-image takes, whose text is withheld (no ids), so the image branch also learns alone; 0 = none. With model.text.encoder = pool.");
  public static final Setting<Integer> TRAIN_SHIFT = Setting.intRange("train.shift", 0, 16,
      "Networks that read photos (image, fusion): each training photo, drawn anew each minibatch, moves by up to this many pixels each way, the pixels it uncovers repeating its edge; 0 = none.");
  public static final Setting<List<Integer>> TRAIN_AVERAGE_EPOCHS = Setting.intList("train.average-epochs", 2, 10000, 0,
      8, "Networks: after the last epoch, for each N here (at most half the epochs trained) the mean of the weights of the last N epochs (stochastic weight averaging, from the epochs' checkpoints); the one of them with the best validation weighted F1 is packaged instead of the best epoch's network; [] = the best epoch's network.");
  public static final Setting<Double> TRAIN_DECAY_AT = Setting.doubleRange("train.decay-at", 0.0, 0.99,
      "Networks: a step decay of Adam's rate; after this share of train.epochs (0.75: from epoch 61 of 80) every epoch trains at the rate times train.decay-factor; 0 = the same rate throughout. Not with train.master = sharing.");
  public static final Setting<Double> TRAIN_DECAY_FACTOR = Setting.doubleRange("train.decay-factor", 0.000001, 1.0,
      "What Adam's rate is multiplied by after train.decay-at.");
  public static final Setting<Boolean> TRAIN_SCALE_LEARNING_RATE = Setting.bool("train.scale-learning-rate",
      "Averaging and threads masters: Adam's learning rate is train.learning-rate times the workers (a round averages their steps into one).");
  public static final Setting<Integer> TRAIN_SEED = Setting.intRange("train.seed", 0, Integer.MAX_VALUE,
      "Seed of weight initialisation, data order and dropout.");
  public static final Setting<Integer> TRAIN_PATIENCE = Setting.intRange("train.patience", 0, 10000,
      "Epochs without a better validation weighted F1 before training stops (0 = run every epoch).");
  public static final Setting<Integer> TRAIN_WORKERS = Setting.intRange("train.workers", 0, 100000,
      "Data partitions trained in parallel (0 = Spark's default parallelism).");
  public static final Setting<Integer> TRAIN_WORKERS_PER_EXECUTOR = Setting.intRange("train.workers-per-executor", 1,
      1024, "Model copies trained per executor JVM with gradient sharing, fed by all its tasks (2 on local[2] was 13x slower than 1).");
  public static final Setting<Integer> TRAIN_AVERAGING_FREQUENCY = Setting.intRange("train.averaging-frequency", 1,
      100000, "Minibatches each worker fits between parameter averages (averaging and threads masters).");
  public static final Setting<Integer> TRAIN_PREFETCH = Setting.intRange("train.prefetch-batches", 0, 1000,
      "Minibatches each gradient-sharing worker prepares ahead of training (the averaging master trains cached minibatches without a prefetch thread).");
  public static final Setting<Double> TRAIN_SHARING_THRESHOLD = Setting.doubleRange("train.sharing.threshold", 1e-9,
      1.0, "Initial update threshold of gradient sharing (adapted during training).");
  public static final Setting<Integer> TRAIN_SHARING_PORT = Setting.intRange("train.sharing.port", 1024, 65535,
      "UDP port of the gradient-sharing controller (Aeron) on the driver.");
  public static final Setting<Integer> TRAIN_SHARING_WORKER_PORT = Setting.intRange("train.sharing.worker-port", 0,
      65535, "UDP port of each executor JVM's gradient-sharing node (0 = a free port per JVM, so several executors "
      + "share a host; a fixed port allows one executor per host).");
  public static final Setting<Integer> TRAIN_SHARING_JOIN_TIMEOUT = Setting.intRange("train.sharing.join-timeout", 1,
      3600, "Seconds an executor's gradient-sharing node may take to join the driver's controller before the "
      + "training fails (train.sharing-join-timeout).");
  public static final Setting<String> TRAIN_SHARING_CONTROLLER = Setting.string("train.sharing.controller",
      "Address at which the executors reach the driver for gradient sharing ('' = spark.driver.host, else 127.0.0.1).");
  public static final Setting<String> TRAIN_SHARING_NETWORK_MASK = Setting.matching("train.sharing.network-mask",
      "|\\d{1,3}(\\.\\d{1,3}){3}/\\d{1,2}", "empty, or a CIDR mask such as 10.0.0.0/16",
      "Network the executors' parameter-server nodes bind on ('' = the controller's /16).");
  public static final Setting<String> TRAIN_CHECKPOINT_DIR = Setting.nonEmpty("train.checkpoint-dir",
      "Folder of per-run checkpoints (one per epoch), model packages and work files; --resume looks here.");
  public static final Setting<Boolean> TRAIN_YARDSTICK = Setting.bool("train.yardstick",
      "With a network: also fit the mllib-logreg baseline on the same split and report both on the test split "
      + "(evaluation/versus-baseline.md, baseline_test_* metrics).");
  public static final Setting<Boolean> TRAIN_BLEND_BASELINE = Setting.bool("train.blend-baseline",
      "With a network that reads text: also fit the mllib-logreg baseline on the same split and package both as one "
      + "model, whose probabilities are their weighted geometric mean, the baseline's weight chosen on the validation "
      + "split (blend.json in the package; network_* metrics are the network alone).");
  public static final Setting<Set<String>> TRAIN_BY_MODE = Setting.blocksByEnum("train.by-mode",
      ModelSettings.Mode.class, "train",
      "Defaults of train.* keys for a network of one model.mode, e.g. train.by-mode.image.epochs = 50: they replace "
      + "conf/application.conf's train.* values, and a key that a --conf file or --set gives still wins.");
  public static final Setting<Integer> TRAIN_LOGREG_ITERATIONS = Setting.intRange("train.logreg.max-iterations", 1,
      100000, "Maximum iterations of the MLlib logistic regression baseline.");
  public static final Setting<Double> TRAIN_LOGREG_REGULARIZATION = Setting.doubleRange("train.logreg.regularization",
      0.0, 1000.0, "L2 regularisation of the MLlib logistic regression baseline (MLlib's regParam: the loss is "
      + "averaged over the examples, so scikit-learn's C is about 1 / (C x training examples)).");
  public static final Setting<Boolean> TRAIN_LOGREG_SUBLINEAR_TF = Setting.bool("train.logreg.sublinear-tf",
      "Term frequency 1 + ln(count) instead of the count in the baseline.");
  public static final Setting<Boolean> TRAIN_LOGREG_IDF = Setting.bool("train.logreg.idf",
      "Weight the baseline's term frequencies by inverse document frequency (TF-IDF).");
  public static final Setting<Boolean> TRAIN_LOGREG_NORMALIZE = Setting.bool("train.logreg.normalize",
      "Scale each product's vector to unit length (L2) before the baseline's regression.");
  public static final Setting<Boolean> TRAIN_LOGREG_STANDARDIZE = Setting.bool("train.logreg.standardize",
      "Let MLlib standardise every feature before fitting the baseline (it changes what the regularisation means).");

  public static final Setting<String> SCORE_MODEL = Setting.string("score.model",
      "Model the score job uses: models:/NAME@ALIAS, models:/NAME/VERSION or a package folder ('' = models:/<model.name>@champion).");
  public static final Setting<Integer> SCORE_BATCH_SIZE = Setting.intRange("score.batch-size", 1, 65536,
      "Products per inference minibatch inside each partition.");
  public static final Setting<Integer> SCORE_TOP_K = Setting.intRange("score.top-k", 1, 100,
      "Most probable classes stored per product (top_labels, top_probabilities).");
  public static final Setting<Double> SCORE_LOW_CONFIDENCE = Setting.doubleRange("score.low-confidence", 0.0, 1.0,
      "Probability under which a prediction counts as low-confidence in the score run's metrics.");

  public static final Setting<String> MONITOR_NIGHT = Setting.matching("monitor.night", "|\\d{4}-\\d{2}-\\d{2}",
      "a date like 2026-12-01, or '' for today",
      "Night a monitor row is for, as YYYY-MM-DD ('' = today, UTC); a rerun of the same night replaces its rows.");
  public static final Setting<Double> MONITOR_JS_DISTANCE = Setting.doubleRange("monitor.js-distance", 0.0, 1.0,
      "Drift when the Jensen-Shannon distance (natural log, as scipy computes it) of the night's predicted class "
          + "mix from the model's predicted mix at training exceeds this.");
  public static final Setting<Double> MONITOR_PSI = Setting.doubleRange("monitor.psi", 0.0, 100.0,
      "Drift when the population stability index of the night's predicted class mix against the mix at training "
          + "exceeds this (0.1 is the usual warning level, 0.25 a significant shift).");
  public static final Setting<Double> MONITOR_CONFIDENCE_DROP = Setting.doubleRange("monitor.confidence-drop", 0.0,
      1.0, "Drift when the mean top probability falls this far below the model's at training.");
  public static final Setting<Double> MONITOR_LOW_CONFIDENCE_RISE = Setting.doubleRange("monitor.low-confidence-rise",
      0.0, 1.0, "Drift when the share of predictions under score.low-confidence rises this far above the "
          + "model's at training.");
  public static final Setting<Double> MONITOR_UNKNOWN_RISE = Setting.doubleRange("monitor.unknown-token-rise", 0.0,
      1.0, "Drift when the share of title words outside the model's vocabulary rises this far above the catalogue's "
          + "at training.");
  public static final Setting<Double> MONITOR_TITLE_LENGTH_CHANGE = Setting.doubleRange(
      "monitor.title-length-change", 0.0, 10.0, "Drift when the mean title length in words differs from the "
          + "catalogue's at training by more than this fraction of it.");
  public static final Setting<Double> MONITOR_IMAGE_FAILURE_RISE = Setting.doubleRange("monitor.image-failure-rise",
      0.0, 1.0, "Drift when the share of products without a usable image rises this far above the catalogue's at training.");
  public static final Setting<Double> MONITOR_TEXT_PATH_RISE = Setting.doubleRange("monitor.text-path-rise", 0.0,
      1.0, "Drift when the share of predictions made without the image (the text path) rises this far above the "
          + "catalogue's at training.");
  public static final Setting<Double> MONITOR_AGREEMENT_DROP = Setting.doubleRange("monitor.agreement-drop", 0.0,
      1.0, "Drift when agreement of the predictions with the products' labels (a correction from feedback, else "
          + "the catalogue's) falls this far below the model's accuracy on the labelled catalogue it was trained on.");
  public static final Setting<Integer> MONITOR_REVIEW_SIZE = Setting.intRange("monitor.review-size", 0, 1000000,
      "Products in the review list the monitor writes each night (0 = none).");
  public static final Setting<Double> MONITOR_REVIEW_MARGIN = Setting.doubleRange("monitor.review-margin", 0.0, 1.0,
      "A prediction whose two most probable classes are closer than this is a close call for the review list.");
  public static final Setting<Boolean> RETRAIN_ENABLED = Setting.bool("retrain.enabled",
      "Let the nightly chain train a candidate when a retrain.* rule fires (false: the decision is only reported).");
  public static final Setting<Integer> RETRAIN_DRIFT_NIGHTS = Setting.intRange("retrain.drift-nights", 1, 1000,
      "Retrain when tonight drifted and at least this many of the last retrain.drift-window monitored nights did.");
  public static final Setting<Integer> RETRAIN_DRIFT_WINDOW = Setting.intRange("retrain.drift-window", 1, 1000,
      "Monitored nights of the model the drift rule looks back over.");
  public static final Setting<Integer> RETRAIN_CORRECTIONS = Setting.intRange("retrain.corrections", 0, 100000000,
      "Retrain when at least this many products were corrected (gold.feedback) since the model was trained "
          + "(0 = never for this reason).");
  public static final Setting<Double> RETRAIN_AGREEMENT_DROP = Setting.doubleRange("retrain.agreement-drop", 0.0, 1.0,
      "Retrain when label agreement fell by more than this since the model's first monitored night.");
  public static final Setting<java.time.Duration> MAINTAIN_RETENTION = Setting.duration("maintain.retention", 3650,
      "Time travel the maintain job keeps: VACUUM deletes data files that left a table longer ago than this "
          + "(set on every table as delta.deletedFileRetentionDuration); under 7 days only with "
          + "spark.databricks.delta.retentionDurationCheck.enabled = false.");
  public static final Setting<Integer> MAINTAIN_EVERY_NIGHTS = Setting.intRange("maintain.every-nights", 0, 3650,
      "Nightly ends with maintain when at least this many nights (UTC dates) passed since the last maintain, or "
          + "since the lake's first commit when there was none (0 = never in nightly).");
  public static final Setting<List<String>> MAINTAIN_TABLES = Setting.stringList("maintain.tables",
      "Tables the maintain job keeps, by logical name (e.g. [\"gold.predictions\"]); empty = every table of the lake.");
  public static final Setting<Integer> MONITOR_HISTORY_NIGHTS = Setting.intRange("monitor.history-nights", 1, 3660,
      "Nights of history the monitor report plots.");

  /** All settings, in the order of the configuration reference. */
  public static final List<Setting<?>> ALL = List.of(
      SPARK_MASTER, SPARK_APP_NAME, SPARK_CONF,
      LAKE_ROOT, LAKE_CONFLICT_RETRIES, TABLE_PRODUCTS, TABLE_QUARANTINE, TABLE_FEATURES, TABLE_PREDICTIONS, TABLE_SCORE_QUARANTINE,
      TABLE_MONITORING, TABLE_MONITORING_CLASSES, TABLE_FEEDBACK, TABLE_FEEDBACK_QUARANTINE, TABLE_REVIEW,
      TABLE_MAINTENANCE,
      TRACKING_URI, TRACKING_LOCAL_DIR, TRACKING_FALLBACK, TRACKING_RETRIES, TRACKING_RETRY_WAIT_MS,
      TRACKING_TIMEOUT_SECONDS,
      SOURCE_FORMAT, SOURCE_INPUT, SOURCE_IMAGE_ROOT, SOURCE_IMAGE_TEMPLATE,
      GENERIC_FILE_FORMAT, GENERIC_FILES,
      COLUMN_ID, COLUMN_TITLE, COLUMN_DESCRIPTION, COLUMN_IMAGE, COLUMN_LABEL, COLUMN_EXTRA, EXPRESSION_ID, EXPRESSION_TITLE, EXPRESSION_DESCRIPTION, EXPRESSION_IMAGE, EXPRESSION_LABEL,
      CSV_DELIMITER, CSV_QUOTE, CSV_ESCAPE, CSV_ENCODING,
      RAKUTEN_X_FILE, RAKUTEN_Y_FILE, IMAGE_FOLDER_LABEL_FROM, IMAGE_FOLDER_LABEL_PATTERN,
      INGEST_ID_PATTERN, INGEST_LABELS, INGEST_MISSING_IMAGE, INGEST_MAX_IMAGE_BYTES,
      TEXT_FOLD_ACCENTS, TEXT_DIGITS, TEXT_STOP_WORDS, TEXT_BIGRAMS, TEXT_MIN_COUNT, TEXT_MAX_VOCABULARY,
      TEXT_TITLE_MAX, TEXT_DESCRIPTION_MAX, TEXT_SUBWORD_BUCKETS, TEXT_SUBWORD_MIN, TEXT_SUBWORD_MAX,
      TEXT_SUBWORD_MAX_TOKENS, TEXT_ATTRIBUTES, TEXT_KEEP_HYPHENATED, IMAGE_WIDTH, IMAGE_HEIGHT, IMAGE_FIT, SPLIT_TRAIN, SPLIT_VALIDATION, SPLIT_SALT,
      MODEL_NAME, MODEL_TYPE, MODEL_MODE, MODEL_TEXT_ENCODER, MODEL_EMBEDDING_SIZE, MODEL_MAX_TOKENS, MODEL_SUBWORD_TOKENS, MODEL_IMAGE_FILTERS, MODEL_IMAGE_STRIDE,
      MODEL_HIDDEN_SIZE, MODEL_DROPOUT, MODEL_CLASS_WEIGHTS,
      TRAIN_MASTER, TRAIN_EPOCHS, TRAIN_BATCH_SIZE, TRAIN_MIN_BATCH_SIZE, TRAIN_MIN_STEPS, TRAIN_LEARNING_RATE, TRAIN_WEIGHT_DECAY, TRAIN_LABEL_SMOOTHING, TRAIN_MIXUP, TRAIN_DROP_IMAGE, TRAIN_DROP_TEXT, TRAIN_SHIFT, TRAIN_AVERAGE_EPOCHS, TRAIN_DECAY_AT, TRAIN_DECAY_FACTOR, TRAIN_SCALE_LEARNING_RATE, TRAIN_SEED, TRAIN_PATIENCE, TRAIN_WORKERS,
      TRAIN_WORKERS_PER_EXECUTOR,
      TRAIN_AVERAGING_FREQUENCY, TRAIN_PREFETCH, TRAIN_SHARING_THRESHOLD, TRAIN_SHARING_PORT, TRAIN_SHARING_WORKER_PORT,
      TRAIN_SHARING_JOIN_TIMEOUT, TRAIN_SHARING_CONTROLLER,
      TRAIN_SHARING_NETWORK_MASK, TRAIN_CHECKPOINT_DIR, TRAIN_YARDSTICK, TRAIN_BLEND_BASELINE, TRAIN_BY_MODE, TRAIN_LOGREG_ITERATIONS, TRAIN_LOGREG_REGULARIZATION,
      TRAIN_LOGREG_SUBLINEAR_TF, TRAIN_LOGREG_IDF, TRAIN_LOGREG_NORMALIZE, TRAIN_LOGREG_STANDARDIZE,
      SCORE_MODEL, SCORE_BATCH_SIZE, SCORE_TOP_K, SCORE_LOW_CONFIDENCE,
      MONITOR_NIGHT, MONITOR_JS_DISTANCE, MONITOR_PSI, MONITOR_CONFIDENCE_DROP, MONITOR_LOW_CONFIDENCE_RISE,
      MONITOR_UNKNOWN_RISE, MONITOR_TITLE_LENGTH_CHANGE, MONITOR_IMAGE_FAILURE_RISE, MONITOR_TEXT_PATH_RISE,
      MONITOR_AGREEMENT_DROP, MONITOR_HISTORY_NIGHTS, MONITOR_REVIEW_SIZE, MONITOR_REVIEW_MARGIN,
      RETRAIN_ENABLED, RETRAIN_DRIFT_NIGHTS, RETRAIN_DRIFT_WINDOW, RETRAIN_CORRECTIONS, RETRAIN_AGREEMENT_DROP,
      MAINTAIN_RETENTION, MAINTAIN_EVERY_NIGHTS, MAINTAIN_TABLES);

  /** Layout of a catalogue drop. */
  public enum SourceFormat { GENERIC, RAKUTEN, IMAGE_FOLDER }

  /** Where the label of an image-folder product comes from. */
  public enum LabelFrom { PARENT, FILE_NAME, NONE }

  private static Setting<String> expression(String field) {
    return Setting.string("source.generic.expressions." + field, "Spark SQL expression over the source columns"
        + " that gives the " + field + " in place of source.generic.columns." + field + " ('' = use the column);"
        + " a row it gives null for is quarantined as expression_null.");
  }

  /** File format of a generic catalogue. */
  public enum FileFormat { CSV, JSON, PARQUET }

  /** What a job does when the tracking server cannot be reached at start. */
  public enum TrackingFallback { FAIL, LOCAL }

  /** What ingest does with a product whose image file does not exist. */
  public enum MissingImagePolicy { QUARANTINE, KEEP }
}
