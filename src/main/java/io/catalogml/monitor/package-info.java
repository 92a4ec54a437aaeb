/**
 * The monitor job: whether last night's predictions can be trusted. Each night's predicted class
 * mix, confidence and inputs are compared with the champion's own reference (written beside the
 * model at training, {@link io.catalogml.monitor.MonitorReference}), one row per night goes to
 * {@code gold.monitoring}, one per class to {@code gold.monitoring_classes}, and a report a person
 * reads in the morning is written under the lake and logged with the run.
 */
package io.catalogml.monitor;
