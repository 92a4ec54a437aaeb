package io.catalogml.train;

import io.catalogml.config.ModelSettings;
import io.catalogml.config.TrainSettings;
import io.catalogml.model.BlendedClassifier;
import io.catalogml.model.Classifier;
import io.catalogml.model.Dl4jClassifier;
import io.catalogml.model.Dl4jRuntime;
import io.catalogml.model.LogRegClassifier;
import io.catalogml.model.InputSpec;
import io.catalogml.model.ModelPackage;
import io.catalogml.model.ModelCard;
import io.catalogml.model.ModelFeatures;
import io.catalogml.evaluate.Evaluator;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.Setting;
import io.catalogml.config.Settings;
import io.catalogml.core.CatalogErrors;
import io.catalogml.core.Stage;
import io.catalogml.evaluate.BaselineComparison;
import io.catalogml.evaluate.ClassificationReport;
import io.catalogml.evaluate.ConfusionMatrixPlot;
import io.catalogml.evaluate.EpochMetrics;
import io.catalogml.evaluate.LearningCurvePlot;
import io.catalogml.lake.Lake;
import io.catalogml.monitor.InputProfile;
import io.catalogml.monitor.MonitorReference;
import io.catalogml.preprocess.TitleGroups;
import io.catalogml.preprocess.text.TextPipeline;
import io.catalogml.tracking.ModelRegistry;
import io.catalogml.tracking.RunTags;
import io.catalogml.tracking.TrackedRun;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code silver.features} → a trained, evaluated, packaged and registered model.
 *
 * <ol>
 *   <li>Read the features at one Delta version ({@link TrainData}); labels come from the training split.</li>
 *   <li>Train: a DL4J network data-parallel on Spark, epoch by epoch with validation, a checkpoint
 *       per epoch and early stopping ({@link Dl4jTrainer}); or the MLlib baseline
 *       ({@link LogRegClassifier}). {@code resume} continues the last unfinished run.</li>
 *   <li>Evaluate the best network on the test split: reports, confusion matrix, learning curve.</li>
 *   <li>Write the {@link ModelPackage}, log everything to the run, create a registered model version
 *       with alias {@code candidate}, and move {@code champion} when it wins ({@link Promotion}).</li>
 * </ol>
 */
public final class TrainStage implements Stage<TrainResult> {
  private static final Logger LOG = LoggerFactory.getLogger(TrainStage.class);
  /** Artifact folder of the model package in the run. */
  public static final String MODEL_ARTIFACT = "model";
  /** The baseline's weights a blend is chosen from (0 = the network alone, 1 = the baseline alone). */
  static final double[] BLEND_WEIGHTS = {0.0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0};

  private final SparkSession spark;
  private final CatalogConfig config;
  private final TrackedRun run;
  private final ModelRegistry registry;
  private final boolean resume;

  public TrainStage(SparkSession spark, CatalogConfig config, TrackedRun run, ModelRegistry registry, boolean resume) {
    this.spark = spark;
    this.config = config;
    this.run = run;
    this.registry = registry;
    this.resume = resume;
  }

  @Override
  public TrainResult execute() {
    long started = System.nanoTime();
    if (config.model().type() == ModelSettings.Type.DL4J && config.train().master() == TrainSettings.Master.THREADS) {
      ThreadTrainer.requireLocalSpark(spark);
    }
    if (config.model().type() == ModelSettings.Type.DL4J && config.train().mixup() > 0
        && !TrainingTargets.mixupApplies(config.model().mode())) {
      throw CatalogErrors.mixupNeedsImageOnly(mode(), config.train().mixup());
    }
    if (config.model().type() == ModelSettings.Type.DL4J) {
      TrainingTargets.requireDropApplies(config.model(), config.train().drop());
      TrainingTargets.requireShiftApplies(config.model().mode(), config.train().shift());
    }
    Lake lake = Lake.of(config);
    Path root = Path.of(config.train().checkpointDir()).toAbsolutePath().normalize();
    Map<String, String> settings = frozenSettings(config, master());
    Checkpoints checkpoints;
    TrainState state;
    TrainData data;
    if (resume) {
      checkpoints = Checkpoints.latestUnfinished(root).orElseThrow(() -> CatalogErrors.nothingToResume(root));
      state = checkpoints.state();
      checkUnchanged(state, settings);
      data = TrainData.load(spark, lake, state.featuresVersion());
      run.setTags(Map.of("catalogml.train.resumed-from-run", String.valueOf(state.trackingRunId()),
          "catalogml.train.resumed-from-epoch", Integer.toString(state.epochsDone())));
    } else {
      data = TrainData.load(spark, lake, null);
      String runId = UUID.randomUUID().toString();
      checkpoints = Checkpoints.create(root, runId);
      state = TrainState.start(runId, run.runId(), settings, data.featuresVersion);
    }
    if (!data.hasText && (config.model().type() != ModelSettings.Type.DL4J
        || config.model().mode() != ModelSettings.Mode.IMAGE)) {
      throw CatalogErrors.noText(data.table, mode());
    }
    int resumedFrom = state.epochsDone();
    state = state.withTrackingRun(run.runId());
    checkpoints.writeState(state);
    run.setTags(tags(data, state));
    spark.sparkContext().setJobGroup("train-" + state.runId(), "catalog-ml train " + config.model().name(), false);
    try {
      Dataset<Row> train = data.split(TitleGroups.TRAIN);
      Dataset<Row> validation = data.split(TitleGroups.VALIDATION);
      Dataset<Row> test = data.split(TitleGroups.TEST);
      Trained trained = config.model().type() == ModelSettings.Type.DL4J
          ? trainNetwork(data, checkpoints, state, train, validation)
          : trainBaseline(data, state, train, validation);
      boolean blending = trained.network != null && config.model().mode().usesText() && data.hasText
          && config.train().blendBaseline();
      LogRegClassifier baseline = trained.network != null && data.hasText
          && (config.train().yardstick() || blending) ? fitBaseline(data, train) : null;
      Trained network = trained;
      ClassificationReport networkTest = null;
      ClassificationReport baselineTest = null;
      ClassificationReport testReport;
      if (blending) {
        trained = blend(trained, baseline, validation);
        // One pass over the test split: the network alone, the blend and the baseline alone.
        List<ClassificationReport> reports = Evaluator.evaluateBlends(network.classifier, baseline, test,
            new double[] {0, trained.blendWeight, 1});
        networkTest = reports.get(0);
        testReport = reports.get(1);
        baselineTest = reports.get(2);
        run.logMetrics(networkTest.toMetrics("network_test_"), trained.state.epochsDone());
        run.logMetrics(network.validation.toMetrics("network_val_"), trained.state.epochsDone());
      } else {
        testReport = Evaluator.evaluate(trained.classifier, test);
      }
      // What a product whose image is unusable gets: the same model through its text path.
      ClassificationReport textPath = trained.network != null && config.model().mode() == ModelSettings.Mode.FUSION
          ? Evaluator.evaluate(trained.classifier, ModelFeatures.withoutImages(test)) : null;
      writeEvaluation(checkpoints.evaluationDir(), trained, testReport);
      if (textPath != null) {
        run.logMetrics(textPath.toMetrics("text_path_test_"), trained.state.epochsDone());
        textPath.write(checkpoints.evaluationDir(), "test-without-photos");
        BaselineComparison.write(checkpoints.evaluationDir().resolve("photos.md"), config.model().name() + " (dl4j "
            + mode() + (blending ? " + baseline" : "") + "): the test split with its photos and without them (the text"
            + " path)", PHOTOS, testReport, textPath, 15);
      }
      ClassificationReport yardstick = baseline != null && config.train().yardstick()
          ? yardstick(baselineTest != null ? baselineTest : Evaluator.evaluate(baseline, test), testReport,
              checkpoints.evaluationDir(), blending) : null;
      if (yardstick != null) {
        run.logMetrics(yardstick.toMetrics("baseline_test_"), trained.state.epochsDone());
      }
      ModelCard card = card(data, trained, testReport, networkTest == null ? null : network.validation, networkTest,
          textPath);
      ModelPackage pkg = blending
          ? ModelPackage.writeBlended(checkpoints.modelDir(), trained.network, baseline, trained.blendWeight, card,
              data.labels, trained.spec, data.textPipeline)
          : trained.network != null
          ? ModelPackage.writeDl4j(checkpoints.modelDir(), trained.network, card, data.labels, trained.spec,
              data.textPipeline)
          : ModelPackage.writeLogReg(checkpoints.modelDir(), (LogRegClassifier) trained.classifier, card, data.labels,
              trained.spec, data.textPipeline);
      monitorReference(data, lake, trained).write(pkg.folder());
      run.logMetrics(testReport.toMetrics("test_"), trained.state.epochsDone());
      run.logArtifact(checkpoints.evaluationDir(), "");
      run.logArtifact(pkg.folder(), "");
      String name = config.model().name();
      registry.ensureRegisteredModel(name, "catalog-ml product classifier (" + config.model().type() + ")");
      ModelRegistry.ModelVersion version = registry.createVersion(name, run.runId(), MODEL_ARTIFACT);
      registry.setAlias(name, Promotion.CANDIDATE, version.version());
      Promotion promotion = Promotion.decide(spark, registry, name, testReport.weightedF1(), data, test,
          checkpoints.workDir());
      if (promotion.promoted()) {
        registry.setAlias(name, Promotion.CHAMPION, version.version());
      }
      if (promotion.championScore() != null) {
        run.logMetrics(Map.of("champion_test_weighted_f1", promotion.championScore()), trained.state.epochsDone());
      }
      run.setTags(Map.of("catalogml.model.version", version.version(),
          "catalogml.model.promotion", promotion.reason()));
      checkpoints.writeState(trained.state.withStatus(TrainState.FINISHED));
      LOG.info("train {}: {} v{} test weighted F1 {} ({})", state.runId(), name, version.version(),
          testReport.weightedF1(), promotion.reason());
      return new TrainResult("train", state.runId(), run.runId(), Setting.configName(config.model().type()),
          mode(), trained.network == null ? "none" : Setting.configName(master()), trained.workers,
          data.featuresVersion, data.trainExamples(),
          data.labels.size(), trained.state.epochsDone(), resumedFrom, trained.state.bestEpoch(),
          trained.stoppedEarly, trained.averagedEpochs(), trained.examplesPerSecond, trained.validation.weightedF1(),
          testReport.accuracy(),
          testReport.weightedF1(), testReport.macroF1(), testReport.top5Accuracy(), pkg.folder().toString(), name,
          version.version(), promotion.promoted(), promotion.championScore(), promotion.reason(),
          yardstick == null ? null : yardstick.weightedF1(), blending ? trained.blendWeight : null,
          networkTest == null ? null : networkTest.weightedF1(), textPath == null ? null : textPath.weightedF1(),
          (System.nanoTime() - started) / 1e9);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /**
   * What the monitor job will compare each night with: the packaged model applied to every labelled
   * product of the silver it was trained on (class mix, confidence, agreement), their inputs (titles
   * read from bronze at the version silver was made from), and the training label mix.
   */
  private MonitorReference monitorReference(TrainData data, Lake lake, Trained trained) {
    Dataset<Row> catalogue = data.labelled("all");
    ClassificationReport report = Evaluator.evaluate(trained.classifier, catalogue);
    long productsVersion = data.productsVersions.stream().mapToLong(Long::longValue).max().orElse(0);
    Dataset<Row> titles = spark.read().format("delta").option("versionAsOf", productsVersion).load(lake.products())
        .select(org.apache.spark.sql.functions.col("product_id").as("_pid"),
            org.apache.spark.sql.functions.col("content_hash").as("_hash"), org.apache.spark.sql.functions.col("title"));
    Dataset<Row> rows = catalogue.select("product_id", "content_hash", "image_ok")
        .join(titles, catalogue.col("product_id").equalTo(titles.col("_pid"))
            .and(catalogue.col("content_hash").equalTo(titles.col("_hash"))), "left");
    InputProfile inputs = InputProfile.measure(rows, data.textPipeline);
    double textPath = config.model().type() != ModelSettings.Type.DL4J ? 1.0
        : switch (config.model().mode()) {
          case TEXT -> 1.0;
          case IMAGE -> 0.0;
          case FUSION -> inputs.imageFailureShare();
        };
    return MonitorReference.of(report, inputs, textPath, data.trainCounts, trained.validation, data.featuresVersion);
  }

  /** A trained model with what the package and the reports need. */
  private record Trained(Classifier classifier, ComputationGraph network, InputSpec spec, TrainState state,
      ClassificationReport validation, boolean stoppedEarly, double examplesPerSecond, int workers, int batchSize,
      double learningRate, Dl4jTrainer.Averaged averaged, Double blendWeight) {

    Trained(Classifier classifier, ComputationGraph network, InputSpec spec, TrainState state,
        ClassificationReport validation, boolean stoppedEarly, double examplesPerSecond, int workers, int batchSize,
        double learningRate, Dl4jTrainer.Averaged averaged) {
      this(classifier, network, spec, state, validation, stoppedEarly, examplesPerSecond, workers, batchSize,
          learningRate, averaged, null);
    }

    /** The same training, read as the network blended with the baseline at {@code weight}. */
    Trained blended(Classifier blend, ClassificationReport blendValidation, double weight) {
      return new Trained(blend, network, spec, state, blendValidation, stoppedEarly, examplesPerSecond, workers,
          batchSize, learningRate, averaged, weight);
    }

    /** The epochs whose mean weights are the packaged network ({@code from-to}), or null for one epoch's. */
    String averagedEpochs() {
      return averaged != null ? averaged.epochs() : null;
    }
  }

  /** The master that trains a network here: {@code train.master}, with {@code auto} resolved for this Spark master. */
  private TrainSettings.Master master() {
    return config.train().master().on(spark.sparkContext().isLocal());
  }

  private Trained trainNetwork(TrainData data, Checkpoints checkpoints, TrainState state, Dataset<Row> train,
      Dataset<Row> validation) {
    if (SparkTrainer.sharingUsedInThisJvm()) {
      throw CatalogErrors.sharingAlreadyRan();
    }
    ModelSettings model = config.model();
    int workers = config.train().workers() > 0 ? config.train().workers() : spark.sparkContext().defaultParallelism();
    TrainSettings settings = config.train().withMaster(master()).forTrainingSet(data.trainExamples(), workers);
    InputSpec built = inputSpec(data);
    ComputationGraph start;
    double learningRate = settings.learningRateFor(workers);
    LOG.info("train {}: minibatches of {} per worker for {} training examples over {} workers (train.batch-size {}, "
        + "at least train.min-steps {} an epoch)", state.runId(), settings.batchSize(), data.trainExamples(), workers,
        config.train().batchSize(), settings.minSteps());
    run.setTags(Map.of("catalogml.train.batch-size", Integer.toString(settings.batchSize())));
    if (state.epochsDone() > 0) {
      start = checkpoints.load(state.epochsDone());
      state.history().forEach(m -> run.logMetrics(epochMetrics(m), m.epoch()));
    } else {
      start = NetworkFactory.build(model, built, data.labels.size(), learningRate, settings.weightDecay(), settings.seed(),
          model.classWeights() ? data.classWeights() : null);
      run.setTags(Map.of("catalogml.train.learning-rate", String.valueOf(learningRate)));
      LOG.info("train {}: Adam learning rate {} ({} workers, master {})", state.runId(), learningRate, workers,
          settings.master());
    }
    // A run checkpointed before EmbeddingBag resumes with the bag layout its network reads.
    InputSpec spec = built.layoutOf(start);
    LOG.info("train {}: {} network, {} parameters, {} classes, {} workers, master {}", state.runId(), model.mode(),
        start.numParams(), data.labels.size(), workers, settings.master());
    // The rate the network started with: a resumed network's last rate, undone by its last epoch's decay.
    double startRate = state.epochsDone() > 0
        ? Dl4jTrainer.adamRate(start) / settings.decay().factor(state.epochsDone(), settings.epochs()) : learningRate;
    Dl4jTrainer.Outcome outcome = new Dl4jTrainer(spark, settings, spec, data.labels)
        .train(start, startRate, state, checkpoints, train, validation, workers, (m, report) -> {
          Map<String, Double> metrics = new LinkedHashMap<>(report.toMetrics("val_"));
          metrics.putAll(epochMetrics(m));
          run.logMetrics(metrics, m.epoch());
        });
    Classifier classifier = new Dl4jClassifier(spark, outcome.best(), spec, data.labels);
    // A packaged mean was evaluated on validation when it was chosen.
    ClassificationReport validationReport = outcome.averaged() != null ? outcome.averaged().validation()
        : Evaluator.evaluate(classifier, validation);
    double rate = outcome.fitSeconds() > 0 ? outcome.fittedExamples() / outcome.fitSeconds() : 0;
    if (outcome.averaged() != null) {
      // One value per mean, its step the number of epochs averaged.
      outcome.averaged().candidates().forEach((n, f1) -> run.logMetrics(Map.of("averaged_val_weighted_f1", f1), n));
    }
    return new Trained(classifier, outcome.best(), spec, outcome.state(), validationReport, outcome.stoppedEarly(),
        rate, workers, settings.batchSize(), startRate, outcome.averaged());
  }

  private Trained trainBaseline(TrainData data, TrainState state, Dataset<Row> train, Dataset<Row> validation) {
    long t0 = System.nanoTime();
    LogRegClassifier classifier = LogRegClassifier.fit(train, data.labels, data.textPipeline.size(), config.train());
    double seconds = (System.nanoTime() - t0) / 1e9;
    ClassificationReport report = Evaluator.evaluate(classifier, validation);
    EpochMetrics m = new EpochMetrics(1, Double.NaN, report.logLoss(), report.accuracy(), report.weightedF1(),
        report.macroF1(), seconds);
    Map<String, Double> metrics = new LinkedHashMap<>(report.toMetrics("val_"));
    metrics.put("fit_seconds", seconds);
    run.logMetrics(metrics, 1);
    long examples = data.trainExamples();
    return new Trained(classifier, null, baselineSpec(data), state.after(m), report,
        false, examples / seconds, spark.sparkContext().defaultParallelism(), 0, 0, null);
  }

  /** What the network reads (subword ids when the pipeline has them and {@code model.text.max-subword-tokens} > 0). */
  private InputSpec inputSpec(TrainData data) {
    return InputSpec.network(config.model(), data.textPipeline, data.imageWidth, data.imageHeight, data.imageSpec);
  }

  /** What the baseline reads: every id of the pipeline, subword ids included. */
  private InputSpec baselineSpec(TrainData data) {
    TextPipeline text = data.textPipeline;
    int subwords = text.settings().subwords() ? text.settings().subwordMaxTokens() : 0;
    return new InputSpec(ModelSettings.Mode.TEXT, config.model().maxTokens(), text.size(), data.imageWidth,
        data.imageHeight, text.id(), data.imageSpec, subwords, false);
  }

  private static Map<String, Double> epochMetrics(EpochMetrics m) {
    Map<String, Double> metrics = new LinkedHashMap<>();
    if (!Double.isNaN(m.trainLoss())) {
      metrics.put("train_loss", m.trainLoss());
    }
    metrics.put("val_accuracy", m.validationAccuracy());
    metrics.put("val_weighted_f1", m.validationWeightedF1());
    metrics.put("val_macro_f1", m.validationMacroF1());
    metrics.put("epoch_seconds", m.seconds());
    return metrics;
  }

  /** The mllib-logreg baseline on the network's training split, for the yardstick and the blend. */
  private LogRegClassifier fitBaseline(TrainData data, Dataset<Row> train) {
    long t0 = System.nanoTime();
    LogRegClassifier baseline = LogRegClassifier.fit(train, data.labels, data.textPipeline.size(), config.train());
    LOG.info("train: baseline mllib-logreg fitted on the same split in {} s", (System.nanoTime() - t0) / 1e9);
    return baseline;
  }

  /**
   * The network blended with the baseline ({@link BlendedClassifier}) at the weight of
   * {@link #BLEND_WEIGHTS} that scores the best validation weighted F1; on a tie, the smaller
   * weight (the network's side). Each weight's validation F1 is logged as
   * {@code blend_val_weighted_f1} at step {@code 10 × weight}.
   */
  private Trained blend(Trained trained, LogRegClassifier baseline, Dataset<Row> validation) {
    List<ClassificationReport> reports = Evaluator.evaluateBlends(trained.classifier, baseline, validation,
        BLEND_WEIGHTS);
    int best = 0;
    for (int k = 0; k < reports.size(); k++) {
      run.logMetrics(Map.of("blend_val_weighted_f1", reports.get(k).weightedF1()),
          (int) Math.round(BLEND_WEIGHTS[k] * 10));
      if (reports.get(k).weightedF1() > reports.get(best).weightedF1()) {
        best = k;
      }
    }
    double weight = BLEND_WEIGHTS[best];
    run.logMetrics(Map.of("blend_baseline_weight", weight), trained.state.epochsDone());
    LOG.info("train: the network blended with the baseline at weight {}: validation weighted F1 {} (network alone {}, "
        + "baseline alone {})", weight, reports.get(best).weightedF1(), reports.get(0).weightedF1(),
        reports.get(reports.size() - 1).weightedF1());
    return trained.blended(new BlendedClassifier(trained.classifier, baseline, weight), reports.get(best), weight);
  }

  /**
   * The baseline's report on the same test products as the packaged model, written beside its
   * report: {@code baseline-test.*} and {@code versus-baseline.md}.
   */
  private ClassificationReport yardstick(ClassificationReport report, ClassificationReport model, Path folder,
      boolean blended) {
    report.write(folder, "baseline-test");
    String modelName = "dl4j " + mode() + (blended ? " + baseline" : "");
    BaselineComparison.write(folder, config.model().name() + " (" + modelName
        + ") against the mllib-logreg baseline, test split", modelName, model, report, 15);
    LOG.info("train: yardstick mllib-logreg test weighted F1 {} (the model: {})", report.weightedF1(),
        model.weightedF1());
    return report;
  }

  /** The two sides of {@code evaluation/photos.md}. */
  private static final BaselineComparison.Names PHOTOS = new BaselineComparison.Names("with photos",
      "without photos (text path)", "with", "without", "Where the photos hurt", "Where the photos help");

  private void writeEvaluation(Path folder, Trained trained, ClassificationReport test) {
    trained.validation.write(folder, "validation");
    test.write(folder, "test");
    String title = config.model().name() + " (" + Setting.configName(config.model().type()) + ", " + mode() + ")";
    ConfusionMatrixPlot.write(test, folder.resolve("confusion-matrix.png"), title + ": test split");
    LearningCurvePlot.write(trained.state.history(), folder.resolve("learning-curve.png"), title);
  }

  private ModelCard card(TrainData data, Trained trained, ClassificationReport test,
      ClassificationReport networkValidation, ClassificationReport networkTest, ClassificationReport textPath) {
    Map<String, Object> training = new TreeMap<>();
    training.put("train_examples", data.trainExamples());
    training.put("classes", data.labels.size());
    training.put("epochs", trained.state.epochsDone());
    training.put("best_epoch", trained.state.bestEpoch());
    if (trained.averaged != null) {
      training.put("averaged_epochs", trained.averaged.epochs());
      training.put("averaged_validation_weighted_f1", trained.averaged.candidatesByEpochs());
    }
    training.put("packaged_network", trained.network == null ? "none"
        : trained.averagedEpochs() != null ? "mean of epochs " + trained.averagedEpochs()
        : "epoch " + trained.state.bestEpoch());
    training.put("stopped_early", trained.stoppedEarly);
    training.put("master", trained.network == null ? "none" : Setting.configName(master()));
    training.put("workers", trained.workers);
    if (trained.network != null) {
      // What trained the network: train.batch-size and train.learning-rate after forTrainingSet and the workers.
      training.put("batch_size", trained.batchSize);
      training.put("learning_rate", trained.learningRate);
    }
    if (trained.blendWeight != null) {
      training.put("blend_baseline_weight", trained.blendWeight);
    }
    Map<String, Map<String, Double>> metrics = new TreeMap<>();
    metrics.put("validation", trained.validation.toMetrics(""));
    metrics.put("test", test.toMetrics(""));
    if (networkTest != null) {
      metrics.put("network_validation", networkValidation.toMetrics(""));
      metrics.put("network_test", networkTest.toMetrics(""));
    }
    if (textPath != null) {
      metrics.put("text_path_test", textPath.toMetrics(""));
    }
    Map<String, String> libraries = new TreeMap<>(RunTags.libraryVersions());
    libraries.put("java", System.getProperty("java.version"));
    return new ModelCard(ModelPackage.FORMAT, config.model().name(), Setting.configName(config.model().type()),
        mode(), trained.state.runId(), run.runId(), Instant.now().toString(), config.train().seed(), config.publicValues(),
        data.inputs(), libraries, training, metrics);
  }

  private String mode() {
    return config.model().type() == ModelSettings.Type.DL4J ? Setting.configName(config.model().mode()) : "text";
  }

  private Map<String, String> tags(TrainData data, TrainState state) {
    Map<String, String> tags = new LinkedHashMap<>();
    tags.put("catalogml.train.run", state.runId());
    tags.put("catalogml.model.type", Setting.configName(config.model().type()));
    tags.put("catalogml.model.mode", mode());
    tags.put("catalogml.input.text-pipeline", data.textPipeline.id());
    tags.put("catalogml.input.image-spec", data.imageSpec);
    tags.putAll(RunTags.inputVersions(Map.of(data.table, data.featuresVersion)));
    if (config.model().type() == ModelSettings.Type.DL4J) {
      Dl4jRuntime.describe().forEach((k, v) -> tags.put("catalogml.nd4j." + k, v));
    }
    return tags;
  }

  /**
   * {@link #frozenSettings(CatalogConfig)} with {@code train.master} as the master that trains here: a run
   * started by {@code auto} on {@code local[N]} (threads) does not resume on a cluster (averaging) unnoticed,
   * and one recorded with {@code averaging} resumes wherever {@code auto} means averaging.
   */
  static Map<String, String> frozenSettings(CatalogConfig config, TrainSettings.Master trains) {
    Map<String, String> frozen = frozenSettings(config);
    frozen.put(Settings.TRAIN_MASTER.path(), Setting.configName(trains));
    return frozen;
  }

  /** Settings a resumed run must share with the run it continues: everything under model.* and train.*
   * except those that only say how long or where (epochs, patience, checkpoint folder, workers, ports), which
   * network is packaged at the end (average-epochs), and
   * the train.by-mode blocks, whose chosen values are compared as the train.* values they became. */
  static Map<String, String> frozenSettings(CatalogConfig config) {
    Map<String, String> frozen = new TreeMap<>();
    config.plainValues().forEach((k, v) -> {
      boolean model = k.startsWith("model.");
      boolean train = k.startsWith("train.") && !k.equals("train.epochs") && !k.equals("train.patience")
          && !k.equals("train.checkpoint-dir") && !k.equals(Settings.TRAIN_AVERAGE_EPOCHS.path())
          && !k.startsWith("train.workers") && !k.startsWith("train.sharing.")
          && !k.startsWith(Settings.TRAIN_BY_MODE.path() + ".");
      if (model || train) {
        frozen.put(k, v);
      }
    });
    return frozen;
  }

  /**
   * What a run trained as for a setting added after it started, where that is not the setting's
   * shipped default: these settings shipped on, or on for some modes, and a run from before trained
   * without them.
   */
  private static final Map<String, String> BEFORE_IT_EXISTED = Map.of(
      Settings.TRAIN_LABEL_SMOOTHING.path(), "0",
      Settings.TRAIN_MIXUP.path(), "0",
      Settings.TRAIN_DROP_IMAGE.path(), "0",
      Settings.TRAIN_DROP_TEXT.path(), "0",
      Settings.TRAIN_SHIFT.path(), "0");

  /**
   * Fails unless {@code now} holds the run's stored settings. A setting added after the run started
   * (absent from its state) passes at the value the run trained as: {@link #BEFORE_IT_EXISTED}, else the
   * setting's shipped default.
   */
  static void checkUnchanged(TrainState state, Map<String, String> now) {
    Map<String, String> stored = state.settings();
    Map<String, String> defaults = new java.util.HashMap<>(
        frozenSettings(io.catalogml.config.ConfigLoader.load(java.util.List.of(), java.util.List.of())));
    defaults.putAll(BEFORE_IT_EXISTED);
    java.util.Set<String> keys = new java.util.TreeSet<>(stored.keySet());
    keys.addAll(now.keySet());
    for (String key : keys) {
      if (!stored.containsKey(key)) {
        if (java.util.Objects.equals(now.get(key), defaults.get(key))) {
          continue;
        }
        throw CatalogErrors.resumeNewSetting(state.runId(), key, String.valueOf(defaults.get(key)),
            String.valueOf(now.get(key)));
      }
      if (!java.util.Objects.equals(stored.get(key), now.get(key))) {
        throw CatalogErrors.resumeMismatch(state.runId(), key, String.valueOf(stored.get(key)),
            String.valueOf(now.get(key)));
      }
    }
  }
}
