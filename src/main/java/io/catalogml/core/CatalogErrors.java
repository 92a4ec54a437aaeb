package io.catalogml.core;

import java.nio.file.Path;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The one place that builds user-facing errors. Every message says what went wrong, why, and
 * how to fix it, so that an operator reading a failed nightly run knows what to do next.
 */
public final class CatalogErrors {
  private CatalogErrors() {}

  // ---- exit codes: what a scheduler can act on ------------------------------------------

  /** Exit code of any failure not listed below, a bug or an accounting check (do not retry blindly). */
  public static final int INTERNAL = 1;
  /** Exit code of bad configuration or input: fix it, then run again (retrying as is cannot help). */
  public static final int USAGE = 2;
  /** Exit code of an MLflow tracking server that cannot be reached or keeps failing: try again later. */
  public static final int TRACKER = 3;
  /** Exit code of a model that cannot be resolved or loaded (no champion, a broken or foreign package). */
  public static final int MODEL = 4;
  /**
   * Exit code of a monitor (alone or as the last stage of the nightly chain) that found drift: the
   * predictions are written, but last night's numbers are off their reference; read the report.
   */
  public static final int DRIFT = 10;
  /** Exit code of a Delta write conflict that outlived its retries (sysexits EX_TEMPFAIL: try again later). */
  public static final int CONFLICT = 75;

  private static CatalogException usage(String code, String message) {
    return new CatalogException(code, message, USAGE, null);
  }

  private static CatalogException runtime(String code, String message) {
    return new CatalogException(code, message, INTERNAL, null);
  }

  private static CatalogException tracker(String code, String message) {
    return new CatalogException(code, message, TRACKER, null);
  }

  private static CatalogException model(String code, String message) {
    return new CatalogException(code, message, MODEL, null);
  }

  // ---- benchmarks -----------------------------------------------------------------------

  public static CatalogException badBenchOption(String stage, String option, String value, String allowed) {
    return usage("bench.bad-option", "Cannot run bench " + stage + ": " + option + " " + value + " is not allowed; expected "
        + allowed + ". See `catalog-ml bench --help`.");
  }

  // ---- configuration --------------------------------------------------------------------

  public static CatalogException unknownConfigKey(String key, String origin, String closest) {
    return usage("config.unknown-key", "Invalid configuration: unknown key '" + key + "'" + from(origin)
        + ". catalog-ml rejects keys it does not know so that a typo never goes unnoticed. "
        + "Did you mean '" + closest + "'? See `catalog-ml config --reference` for every key.");
  }

  public static CatalogException badConfigValue(String key, String value, String origin, String allowed) {
    return usage("config.bad-value", "Invalid configuration: " + key + " = " + value + from(origin)
        + " is not allowed; expected " + allowed + ". Fix the value, or remove the key to use the default.");
  }

  public static CatalogException missingConfigKey(String key, String help) {
    return usage("config.missing-key", "Invalid configuration: key '" + key + "' has no value (" + help
        + "). Its default comes from conf/application.conf: rebuild with `mvn package` if the jar is stale, "
        + "or set it with --set " + key + "=VALUE.");
  }

  public static CatalogException unresolvableConfig(String detail) {
    return usage("config.unresolvable", "Invalid configuration: a substitution cannot be resolved (" + detail
        + "). Define the referenced key or remove the ${...} reference.");
  }

  public static CatalogException configFileNotFound(Path file) {
    return usage("config.file-not-found", "Cannot read configuration file '" + file
        + "': no such file. Pass an existing HOCON file to --conf (examples are in conf/examples/).");
  }

  public static CatalogException configFileUnparseable(Path file, String detail) {
    return usage("config.unparseable", "Cannot parse configuration file '" + file + "': " + detail
        + ". Fix the HOCON syntax at the position shown.");
  }

  public static CatalogException malformedOverride(String override) {
    return usage("config.bad-override", "Invalid --set '" + override
        + "': expected KEY=VALUE with a configuration key such as source.format=generic "
        + "(quote list or object values in HOCON: --set 'ingest.labels=[\"a\",\"b\"]').");
  }

  // ---- input ----------------------------------------------------------------------------

  public static CatalogException noInput(String job) {
    return usage("input.none", "Cannot run " + job + ": no input folder is set. "
        + "Pass --input DIR or set source.input in your --conf file.");
  }

  public static CatalogException inputNotFound(String input) {
    return usage("input.not-found", "Cannot ingest: input folder '" + input
        + "' does not exist or is not a folder. Check --input / source.input.");
  }

  public static CatalogException noSourceFiles(String input, String pattern) {
    return usage("input.no-files", "Cannot ingest: no file matches '" + pattern + "' in '" + input
        + "'. Check source.generic.files (a file name or glob) and source.generic.file-format.");
  }

  public static CatalogException emptyImageFolder(String input) {
    return usage("input.no-files", "Cannot ingest: the image folder '" + input + "' holds no file (names starting"
        + " with '.' or '_' are skipped). Point --input at the folder of the images (source.format = image-folder).");
  }

  public static CatalogException sourceFileMissing(String file, String key) {
    return usage("input.file-missing", "Cannot ingest: file '" + file + "' does not exist. Check " + key
        + " (relative to source.input).");
  }

  public static CatalogException missingColumns(String file, Collection<String> missing,
      Collection<String> available) {
    return usage("input.missing-column", "Cannot ingest '" + file + "': column(s) " + missing
        + " configured in source.generic.columns are not in the file, which has " + available
        + ". Fix the column mapping in your --conf file (names are case-sensitive).");
  }

  /** A {@code source.generic.expressions.*} entry that does not parse, or names a column the files lack. */
  public static CatalogException badExpression(String setting, String detail, Collection<String> available) {
    return usage("input.bad-expression", "Invalid " + setting + ": " + detail
        + (available == null ? "" : ". The source has the columns " + available)
        + ". Write a Spark SQL expression over the source's columns (back-quote names with blanks or dots),"
        + " e.g. trim(split(category_tree, '>>')[0]).");
  }

  public static CatalogException csvHeaderMismatch(String file, Collection<String> found, String firstFile,
      Collection<String> expected) {
    return usage("input.header-mismatch", "Cannot ingest '" + file + "': its header " + found
        + " differs from the header " + expected + " of '" + firstFile + "'. All CSV files of one drop must "
        + "have the same columns in the same order: fix the file, or ingest it as a drop of its own.");
  }

  public static CatalogException noImageSource() {
    return usage("input.no-image-source", "Cannot ingest: neither source.generic.columns.image nor "
        + "source.image-template is set, so no product can have an image. Map the image column, set a "
        + "template such as '{id}.jpg', or set ingest.missing-image=keep to ingest text-only products.");
  }

  public static CatalogException badImageTemplate(String template, String detail) {
    return usage("input.bad-image-template", "Invalid source.image-template '" + template + "': " + detail
        + ". Use {column} placeholders with column names of the source, e.g. 'image_{imageid}_product_{productid}.jpg'.");
  }

  // ---- tables ---------------------------------------------------------------------------

  public static CatalogException tableMissing(String table, String location, String fix) {
    return usage("table.missing", "Cannot read table " + table + ": there is no Delta table at " + location
        + ". " + Character.toUpperCase(fix.charAt(0)) + fix.substring(1) + ", or check lake.root and tables.*.");
  }

  public static CatalogException badFeedbackFile(String input, String why, java.util.List<String> required,
      java.util.List<String> optional) {
    return usage("input.bad-feedback-file", "Cannot read the corrections at " + input + ": " + why + ". A corrections "
        + "file is CSV with a header naming the columns " + required + " (required) and " + optional
        + " (optional), one row per corrected product.");
  }

  public static CatalogException badNight(String night, String why) {
    return usage("config.bad-value", "Invalid monitor.night '" + night + "': " + why + ". Give a real date as "
        + "YYYY-MM-DD (--night 2026-12-01), or leave it empty for today (UTC).");
  }

  public static CatalogException nothingToMonitor(String table, long version) {
    return usage("monitor.no-predictions", "Cannot monitor: " + table + " (version " + version + ") has no "
        + "prediction, so there is no night to compare with the model's reference. Run `score` first.");
  }

  public static CatalogException textSettingsChanged(String pipelineId, String stored, String configured) {
    return usage("preprocess.text-settings-changed", "Cannot preprocess incrementally: the features use text "
        + "pipeline " + pipelineId + " fitted with " + stored + ", but preprocess.text is now " + configured
        + ". Mixing both would give ids that mean different words. Run `preprocess --full` to refit and "
        + "recompute every row, or restore the previous preprocess.text settings.");
  }

  public static CatalogException mixedTextPipelines(String table, Collection<String> ids) {
    return usage("preprocess.mixed-pipelines", "Cannot preprocess incrementally: " + table
        + " holds rows of several text pipelines " + ids + ". Run `preprocess --full` to recompute every row "
        + "with one pipeline.");
  }

  /** {@code maintain.retention} is shorter than Delta's VACUUM safety floor, and the session keeps Delta's check on. */
  public static CatalogException retentionBelowSafety(String retention, String floor, String check) {
    return usage("maintain.retention-too-short", "Cannot maintain the lake: maintain.retention = " + retention
        + " is shorter than " + floor + ", the retention Delta's VACUUM safety check defends (its default "
        + "delta.deletedFileRetentionDuration). A VACUUM that short can delete the files of a write still running and "
        + "ends time travel sooner than Delta readers expect. Raise maintain.retention to at least " + floor
        + "; or, when no job writes the lake while maintain runs, turn Delta's check off as Delta asks: "
        + "spark.conf.\"" + check + "\" = \"false\".");
  }

  // ---- evaluation ------------------------------------------------------------------------

  public static CatalogException trainingDiverged(int epoch, double loss) {
    return runtime("train.diverged", "Training diverged in epoch " + epoch + ": the network's parameters or its loss ("
        + loss + ") are no longer finite numbers, so nothing after this epoch can be evaluated or saved. Lower "
        + "train.learning-rate (on a catalogue of a few hundred products, set train.workers = 1 too), then train again; the "
        + "checkpoints of the epochs before it are kept (train --resume continues from the last of them).");
  }

  public static CatalogException nonFiniteProbabilities(int truth, float value) {
    return runtime("evaluate.non-finite", "Cannot evaluate: the model gave a non-finite probability (" + value
        + ") for a product of class " + truth + ". Training has diverged: lower the learning rate, check the "
        + "input features for NaN, or resume from an earlier checkpoint.");
  }

  public static CatalogException nothingEvaluated() {
    return usage("evaluate.empty", "Cannot build a classification report: no product was evaluated. "
        + "The split is empty: check the split fractions of preprocess and that silver.features holds labelled rows.");
  }

  public static CatalogException cannotWriteOutput(Path file, Exception cause) {
    return new CatalogException("output.not-written", "Cannot write '" + file + "': " + cause.getMessage()
        + ". Check that the folder is writable and the disk is not full.", INTERNAL, cause);
  }

  // ---- training -----------------------------------------------------------------------

  public static CatalogException tooFewClasses(String table, long classes) {
    return usage("train.too-few-classes", "Cannot train: the training split of " + table + " has " + classes
        + " distinct label(s), a classifier needs at least 2. Ingest a labelled catalogue (map "
        + "source.generic.columns.label) and run preprocess again.");
  }

  public static CatalogException unlabelled(String table) {
    return usage("train.unlabelled", "Cannot train: no product of " + table + " has a label, so there is nothing"
        + " to learn from. An unlabelled catalogue can be ingested, preprocessed and scored with a model trained"
        + " elsewhere (score --model ...); to train, map its label (source.generic.columns.label, an expression in"
        + " source.generic.expressions.label, or source.image-folder.label-from) and ingest it again.");
  }

  public static CatalogException noText(String table, String model) {
    return usage("train.no-text", "Cannot train a " + model + " model: no labelled training product of " + table
        + " has any text (title or description), so the model would have nothing to read. This is an image-only"
        + " catalogue: set model.mode = image (with model.type = dl4j).");
  }

  public static CatalogException mixupNeedsImageOnly(String mode, double mixup) {
    return usage("train.mixup-needs-image-only", "Cannot train a " + mode + " network with train.mixup = " + mixup
        + ": mixup blends the inputs of two products, and a network that reads text reads token ids, which cannot"
        + " be blended. Set train.mixup = 0, or set it for image-only networks alone: train.by-mode.image.mixup = "
        + mixup + ".");
  }

  /**
   * {@code train.drop-image} or {@code train.drop-text} for a network they cannot apply to: one that
   * does not read both inputs, or (text) one whose text encoder reads a masked sequence.
   */
  public static CatalogException modalityDropoutNeedsFusion(String mode, String key, double value, String why) {
    return usage("train.drop-needs-fusion", "Cannot train a " + mode + " network with " + key + " = " + value + ": "
        + why + ". Set " + key + " = 0, or set it for fusion networks alone: train.by-mode.fusion."
        + key.substring("train.".length()) + " = " + value + ".");
  }

  /** {@code train.shift} for a network that reads no photo. */
  public static CatalogException shiftNeedsPhotos(String mode, int shift) {
    return usage("train.shift-needs-photos", "Cannot train a " + mode + " network with train.shift = " + shift
        + ": it moves the training photos, and this network reads none. Set train.shift = 0, or set it for the"
        + " networks that read photos alone: train.by-mode.image.shift = " + shift + " and train.by-mode.fusion.shift = "
        + shift + ".");
  }

  public static CatalogException emptySplit(String table, String split) {
    return usage("train.empty-split", "Cannot train: the " + split + " split of " + table + " has no labelled "
        + "product. Raise preprocess.split." + split + " (or ingest more products) and run `preprocess --full`.");
  }

  public static CatalogException mixedFeatures(String table, String what, Collection<String> values) {
    return usage("train.mixed-features", "Cannot train: " + table + " holds rows made with several " + what + " "
        + values + ", so one model cannot read them all. Run `preprocess --full` to recompute every row with the "
        + "current settings.");
  }

  public static CatalogException nothingToResume(Path checkpoints) {
    return usage("train.nothing-to-resume", "Cannot resume: no unfinished train run with a checkpoint in '" + checkpoints
        + "' (train.checkpoint-dir); a run killed before its first epoch ended has nothing to resume. Start a new run without --resume, or point train.checkpoint-dir at the "
        + "folder of the killed run.");
  }

  public static CatalogException resumeMismatch(String runId, String what, String stored, String now) {
    return usage("train.resume-mismatch", "Cannot resume run " + runId + ": its " + what + " was " + stored
        + " but is now " + now + ". Resuming would mix two trainings. Restore the run's settings (its "
        + "checkpoint folder holds them in state.json), or start a new run without --resume.");
  }

  public static CatalogException resumeNewSetting(String runId, String key, String trainedAs, String now) {
    return usage("train.resume-mismatch", "Cannot resume run " + runId + ": it started before " + key
        + " existed, so it trained as " + trainedAs + ", but " + key + " is now " + now
        + " (a mode's defaults in train.by-mode may set it). Resuming would mix two trainings. Resume with --set "
        + key + "=" + trainedAs + ", or start a new run without --resume.");
  }

  public static CatalogException sharingAlreadyRan() {
    return usage("train.jvm-after-sharing", "Cannot train another network in this JVM: a gradient-sharing "
        + "training (train.master=sharing) already ran in it, and DL4J 1.0.0-M2 keeps gradient-sharing state "
        + "that turns the next network NaN after one epoch. Run each training as its own job (jobs/catalog-ml, "
        + "jobs/submit.sh), or restart the notebook's Spark interpreter.");
  }

  public static CatalogException decayNeedsAveraging() {
    return usage("train.decay-with-sharing", "Cannot lower the learning rate for the last epochs (train.decay-at) with "
        + "train.master = sharing: DL4J's gradient-sharing workers take the network once and keep the rate "
        + "they started with, so the decay would be recorded but not trained. Set train.decay-at = 0, or train "
        + "with train.master = averaging or threads.");
  }

  public static CatalogException threadsNeedLocalSpark(String sparkMaster) {
    return usage("train.threads-need-local", "Cannot train with train.master = threads on Spark master '" + sparkMaster
        + "': its workers are threads of the driver JVM and the training rows are collected to the driver, which "
        + "only a local Spark master (local[N]) shares with its executors. On a cluster set train.master = averaging "
        + "(or sharing); to train in one JVM, run with spark.master = \"local[*]\".");
  }

  public static CatalogException sharingNeedsSlots(int workers, int slots) {
    return usage("train.sharing-slots", "Cannot train with gradient sharing on " + workers + " workers: Spark runs "
        + slots + " tasks at a time here, and every worker of a gradient-sharing epoch must run at the same time "
        + "(a barrier stage). Set train.workers to at most " + slots + " (0 = one per core), or give Spark more cores.");
  }

  public static CatalogException sharingPortInUse(String node, int port, String setting) {
    return usage("train.sharing-port-in-use", "Cannot start the gradient-sharing parameter server on the " + node
        + ": UDP port " + port + " is in use on this host (another training, or another executor of this host "
        + "with the same fixed port). Set " + setting + " to a free port"
        + (setting.equals("train.sharing.worker-port") ? ", or to 0 so that every executor JVM picks its own" : "")
        + ", then run the job again.");
  }

  public static CatalogException sharingDidNotJoin(String controller, int port, int seconds, Throwable cause) {
    return new CatalogException("train.sharing-join-timeout", "Gradient sharing cannot start: an executor's "
        + "parameter-server node did not join the driver's controller at " + controller + ":" + port + " (UDP) "
        + "within " + seconds + " s (train.sharing.join-timeout). The executors must reach the driver over UDP at "
        + "that address and bind their own port: set train.sharing.controller to an address of the driver they can "
        + "reach and train.sharing.network-mask to their network, open the ports (train.sharing.port on the driver, "
        + "train.sharing.worker-port on the executors; a fixed worker port allows one executor per host, 0 picks a "
        + "free one per JVM), or train with train.master=averaging. The executor logs show the parameter server's "
        + "own error.", USAGE, cause);
  }

  public static CatalogException notAModelPackage(Path folder, String why) {
    return model("model.not-a-package", "Cannot load a model from '" + folder + "': " + why
        + ". Pass the model folder a train run wrote (it holds model-card.json), or a models:/NAME@ALIAS URI.");
  }

  public static CatalogException modelFormatUnsupported(Path folder, String format, String supported) {
    return model("model.format-unsupported", "Cannot load the model in '" + folder + "': it is a package of format '"
        + format + "', made by a newer catalog-ml; this one reads '" + supported + "'. Run a catalog-ml at least as "
        + "new as the one that trained the model, or score with a model this version trained.");
  }

  public static CatalogException modelIncompatible(String model, String what, String modelValue,
      String featuresValue) {
    return model("model.incompatible", "Cannot evaluate " + model + " on these features: the model reads "
        + what + " " + modelValue + " but the features were made with " + featuresValue + ". Evaluate it on "
        + "features made with its settings, or train a new model on the current features.");
  }

  // ---- tracking ---------------------------------------------------------------------------

  public static CatalogException trackingUnreachable(String uri, String detail) {
    return tracker("tracking.unreachable", "Cannot start the run: the MLflow tracking server " + uri
        + " cannot be reached (" + detail + "). Nothing was done. Start the server or fix tracking.uri; "
        + "set tracking.uri=\"\" to record runs in the local store (tracking.local-dir), or "
        + "tracking.fallback=local to fall back to it with a warning when the server is down.");
  }

  public static CatalogException trackingGaveUp(String what, String uri, int attempts, String detail) {
    return tracker("tracking.unavailable", "Cannot " + what + " on the MLflow tracking server " + uri + ": "
        + attempts + " attempt(s) failed, the last with " + detail + ". The server is down, overloaded or "
        + "unreachable. Check the server; raise tracking.retries, tracking.retry-wait-ms or "
        + "tracking.timeout-seconds if it is only slow.");
  }

  public static CatalogException trackingRejected(String what, String uri, String detail) {
    return runtime("tracking.rejected", "Cannot " + what + ": the MLflow tracking server " + uri
        + " refused the request (" + detail + "). Retrying would not help: check the name or value it "
        + "names, and the credentials in MLFLOW_TRACKING_TOKEN or MLFLOW_TRACKING_USERNAME/PASSWORD.");
  }

  public static CatalogException artifactsNotProxied(String uri, String artifactUri) {
    return usage("tracking.artifacts-not-proxied", "Cannot transfer artifacts: the MLflow tracking server "
        + uri + " stores runs at '" + artifactUri + "', which catalog-ml cannot reach from Java. "
        + "Start the server with proxied artifacts (`mlflow server --artifacts-destination ...`, the default "
        + "since MLflow 2.0 unless --no-serve-artifacts or --default-artifact-root is given).");
  }

  public static CatalogException localStoreFailed(Path store, String what, String detail) {
    return runtime("tracking.local-store", "Cannot " + what + " in the local MLflow store " + store + ": "
        + detail + ". Check that tracking.local-dir is a writable folder with free space.");
  }

  public static CatalogException badModelUri(String uri) {
    return usage("registry.bad-uri", "Invalid model URI '" + uri + "': expected models:/NAME@ALIAS "
        + "(e.g. models:/product-type@champion) or models:/NAME/VERSION (e.g. models:/product-type/3).");
  }

  public static CatalogException modelNotFound(String uri, String detail) {
    return model("registry.not-found", "Cannot resolve model " + uri + ": " + detail
        + ". Register a model version with the train job first, or check the name, version and alias "
        + "(aliases in use: candidate, champion).");
  }

  public static CatalogException artifactNotFound(String runId, String artifactPath) {
    return usage("tracking.artifact-not-found", "Cannot download artifact '" + artifactPath + "' of run "
        + runId + ": the run has no such file or folder. Check the artifact path (list the run's artifacts "
        + "in the MLflow UI).");
  }

  // ---- job chains -------------------------------------------------------------------------

  /**
   * A stage of a chain (the nightly job) failed: the failure keeps the stage's own code and exit
   * code, and carries the results of the stages that completed before it.
   */
  public static CatalogException stageFailed(String chain, String stage, Throwable cause,
      Map<String, Object> completed) {
    Map<String, Object> details = new LinkedHashMap<>();
    details.put("failedStage", stage);
    details.put("stages", completed);
    String done = completed.isEmpty() ? "No stage before it completed"
        : "The stages before it (" + String.join(", ", completed.keySet()) + ") completed and their tables are kept";
    String then = ". Fix the cause and run " + chain + " again: every stage is incremental, so it redoes only what is left.";
    CatalogException ce = find(cause);
    if (ce != null) {
      return new CatalogException(ce.code(), chain + " stopped at " + stage + ": " + ce.getMessage() + " " + done
          + then, ce.exitCode(), cause, details);
    }
    return new CatalogException("internal", chain + " stopped at " + stage + ": " + cause + ". " + done + then
        + " The stage's log has the stack trace.", INTERNAL, cause, details);
  }

  /** The JVM exits while {@code job} still runs (Spark's exit after a fatal task error, a SIGTERM). */
  public static CatalogException jvmExiting(String job) {
    return runtime("internal.jvm-exit", "The JVM is exiting before " + job + " finished: Spark ends the JVM after a "
        + "fatal error in a task (exit 52 after an OutOfMemoryError, 50 after another fatal error; the log has it), "
        + "and a SIGTERM from a scheduler ends it too. Nothing half-written stays in Delta (a commit is all or "
        + "nothing): give the job more memory (CATALOG_ML_JAVA_OPTS=-Xmx..., spark.executor.memory) or smaller "
        + "batches, then run it again.");
  }

  /**
   * The user-facing failure in the cause chain of {@code failure}, or null: a CatalogException
   * thrown inside a Spark task reaches the driver wrapped in a SparkException.
   */
  public static CatalogException find(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof CatalogException ce) {
        return ce;
      }
    }
    return null;
  }

  // ---- internal invariants ----------------------------------------------------------------

  public static CatalogException rowsLost(String table, long expected, long written, String detail) {
    return runtime("table.rows-lost", "Write accounting failed for " + table + ": " + expected
        + " row changes meant but " + written + " committed (" + detail + "). Nothing was hidden: another "
        + "writer changed the table between the read and the write, or this is a bug in catalog-ml; check the "
        + "table's history (DESCRIBE HISTORY) and run the job again.");
  }

  public static CatalogException writeConflict(String table, int attempts, String conflict, Throwable cause) {
    return new CatalogException("delta.conflict", "Cannot write " + table + ": another job committed to it first "
        + attempts + " time(s) in a row (" + conflict + "). Nothing was written by this run and the table is "
        + "consistent. Run one writer per table at a time (check the schedule for overlapping runs), or raise "
        + "the job's conflict retries; running the job again is safe.", CONFLICT, cause);
  }

  private static String from(String origin) {
    return origin == null || origin.isBlank() ? "" : " (from " + origin + ")";
  }
}
