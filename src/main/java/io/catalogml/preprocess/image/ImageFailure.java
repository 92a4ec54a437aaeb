package io.catalogml.preprocess.image;

import java.util.Locale;

/** Why an image could not be preprocessed; {@link #code()} is what {@link ImageResult#failure()} holds. */
public enum ImageFailure {
  /** The bytes end before the image does (no JPEG end-of-image marker, no PNG IEND chunk). */
  TRUNCATED,
  /** Empty, or not a JPEG or PNG and no other image format either. */
  NOT_AN_IMAGE,
  /** A JPEG or PNG whose header or data is damaged. */
  CORRUPT,
  /** An image the preprocessor does not decode: another format, a rare JPEG process, or too many pixels. */
  UNSUPPORTED;

  /** Stable lower-case code, e.g. {@code not_an_image}. */
  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
