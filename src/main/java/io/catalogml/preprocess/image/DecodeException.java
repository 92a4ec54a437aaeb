package io.catalogml.preprocess.image;

/** Bad input found while decoding; becomes a failed {@link ImageResult}, never leaves the package. */
final class DecodeException extends Exception {
  private final ImageFailure failure;

  DecodeException(ImageFailure failure, String message) {
    super(message, null, false, false);
    this.failure = failure;
  }

  ImageFailure failure() {
    return failure;
  }
}
