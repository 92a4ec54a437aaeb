package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import java.io.Serializable;

/**
 * The outcome of preprocessing one image.
 *
 * @param ok whether {@code rgb} holds the image
 * @param rgb width * height * 3 bytes of the {@link ImageSpec}: rows top to bottom, each pixel R, G, B
 *     as unsigned 8-bit values ({@code rgb[i] & 0xff}); null when not ok
 * @param failure null when ok, else a stable lower-case {@link ImageFailure#code() code}
 * @param message null when ok, else what is wrong with the bytes
 * @param sourceWidth width as stored in the file, before orientation; 0 when not known
 * @param sourceHeight height as stored in the file, before orientation; 0 when not known
 * @param orientation EXIF orientation 1..8 that was applied to make {@code rgb} upright; 1 when none
 */
public record ImageResult(boolean ok, byte[] rgb, String failure, String message, int sourceWidth,
    int sourceHeight, int orientation) implements Serializable {

  static ImageResult of(byte[] rgb, int sourceWidth, int sourceHeight, int orientation) {
    return new ImageResult(true, rgb, null, null, sourceWidth, sourceHeight, orientation);
  }

  static ImageResult failed(ImageFailure failure, String message) {
    return new ImageResult(false, null, failure.code(), message, 0, 0, 1);
  }
}
