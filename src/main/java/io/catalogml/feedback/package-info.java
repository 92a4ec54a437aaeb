/**
 * Label corrections from people: the feedback job validates a corrections file like ingest
 * validates a drop and MERGEs it into {@code gold.feedback}; {@link io.catalogml.feedback.Corrections}
 * is how preprocess (and so the next training set) reads a corrected label in place of the catalogue's.
 */
package io.catalogml.feedback;
