package io.catalogml.tracking;

/**
 * Every test of {@link MlflowServerTrackerTest} against a server of the current MLflow 3.x, read
 * back with MLflow 3's Python client: the Java client and REST calls of 2.17.2 keep working there.
 */
@MlflowServerExtension.Release(MlflowVenv.MLFLOW_3)
class MlflowServerTrackerOnMlflow3Test extends MlflowServerTrackerTest {}
