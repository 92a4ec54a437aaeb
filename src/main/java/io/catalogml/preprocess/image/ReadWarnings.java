package io.catalogml.preprocess.image;

import javax.imageio.ImageReader;
import javax.imageio.event.IIOReadWarningListener;

/**
 * Collects a decoder's warnings and turns the ones that mean damaged pixels into a failure. libjpeg
 * does not stop at missing or broken data: it warns, fills the rest with grey and returns an image.
 */
final class ReadWarnings implements IIOReadWarningListener {
  private DecodeException failure;

  @Override
  public void warningOccurred(ImageReader source, String warning) {
    if (failure != null || warning == null) {
      return;
    }
    if (warning.contains("Premature end of JPEG file")) {
      failure = new DecodeException(ImageFailure.TRUNCATED, "JPEG data ends early: " + warning);
    } else if (warning.startsWith("Corrupt JPEG data") && !warning.contains("extraneous bytes before marker")) {
      failure = new DecodeException(ImageFailure.CORRUPT, "JPEG image data is damaged: " + warning);
    }
  }

  void check() throws DecodeException {
    if (failure != null) {
      throw failure;
    }
  }
}
