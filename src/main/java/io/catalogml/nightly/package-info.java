/**
 * The nightly chain: ingest (when a drop is given) → preprocess → train (only while the registry
 * has no champion) → score → monitor (→ retrain → rescore → remonitor when the retrain policy fires)
 * → maintain (when due), in one Spark application. Each stage is recorded in MLflow exactly as
 * its own job records it, in its own run tagged with the chain's run id; the chain's run holds
 * the combined result.
 */
package io.catalogml.nightly;
