/**
 * What the Zeppelin notes under {@code notebooks/} show that a table cannot: products with their
 * pictures and the run's PNGs, as {@code %html} output. The notes call the stages and
 * {@link io.catalogml.tracking.JobTracking#record} for everything else; nothing lives only in a note.
 */
package io.catalogml.notebook;
