package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec.Fit;

/**
 * Where a source of sw x sh lands in a target of tw x th: the source rectangle used (all of it for PAD,
 * the centred part for CROP) and the target rectangle it is scaled into (centred for PAD, all of it for CROP).
 */
record Placement(int srcX, int srcY, int srcWidth, int srcHeight, int dstX, int dstY, int dstWidth, int dstHeight) {

  static Placement of(int sw, int sh, int tw, int th, Fit fit) {
    if (fit == Fit.PAD) {
      double scale = Math.min((double) tw / sw, (double) th / sh);
      int dw = clamp((int) Math.round(sw * scale), tw);
      int dh = clamp((int) Math.round(sh * scale), th);
      return new Placement(0, 0, sw, sh, (tw - dw) / 2, (th - dh) / 2, dw, dh);
    }
    double scale = Math.max((double) tw / sw, (double) th / sh);
    int cw = clamp((int) Math.round(tw / scale), sw);
    int ch = clamp((int) Math.round(th / scale), sh);
    return new Placement((sw - cw) / 2, (sh - ch) / 2, cw, ch, 0, 0, tw, th);
  }

  /**
   * The largest source subsampling period that never makes the fitted image upscale: the subsampled
   * source is still at least as large as its placement in the target, in both dimensions.
   */
  static int subsampling(int sw, int sh, int tw, int th, Fit fit) {
    int byWidth = sw / tw;
    int byHeight = sh / th;
    return Math.max(1, fit == Fit.PAD ? Math.max(byWidth, byHeight) : Math.min(byWidth, byHeight));
  }

  private static int clamp(int value, int max) {
    return Math.max(1, Math.min(max, value));
  }
}
