package io.catalogml.preprocess.image;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import jnr.ffi.LibraryLoader;
import jnr.ffi.Pointer;
import jnr.ffi.annotations.In;
import jnr.ffi.annotations.Out;
import jnr.ffi.types.size_t;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * libjpeg-turbo's TurboJPEG API ({@code libturbojpeg.so.0}, Debian/Ubuntu package {@code libturbojpeg0}) called
 * through jnr-ffi. Decodes a JPEG straight into a Java array, optionally scaled down by 2, 4 or 8 inside the
 * inverse DCT (libjpeg's scaled decoding, which averages where subsampling skips pixels).
 *
 * <p>It serves only the clean case: decoding stops at libjpeg's first warning ({@code TJFLAG_STOPONWARNING}), and a
 * decode that fails or warns gives null, so the caller decodes the bytes again with the JDK's reader, which names
 * the failure (or accepts the image) exactly as before. Failure codes and messages never depend on this class.
 * Where the library is not installed {@link #available()} is false, one warning is logged, and every JPEG takes
 * the JDK's reader.
 */
final class TurboJpeg {
  private static final Logger LOG = LoggerFactory.getLogger(TurboJpeg.class);
  private static final int TJPF_BGR = 1;
  private static final int TJPF_GRAY = 6;
  private static final int TJFLAG_STOPONWARNING = 8192;
  private static final Library LIBRARY = load();
  /** A TurboJPEG handle is not thread-safe: one per thread, kept for the thread's life (a few KB). */
  private static final ThreadLocal<Pointer> HANDLE =
      ThreadLocal.withInitial(() -> LIBRARY == null ? null : LIBRARY.tjInitDecompress());

  /** The functions of libturbojpeg that are used (TurboJPEG 2.x API). */
  public interface Library {
    Pointer tjInitDecompress();

    int tjDecompress2(Pointer handle, @In byte[] jpeg, @size_t long jpegSize, @Out byte[] pixels, int width,
        int pitch, int height, int pixelFormat, int flags);

    int tjDestroy(Pointer handle);
  }

  private TurboJpeg() {}

  /** Whether libturbojpeg loaded in this JVM. */
  static boolean available() {
    return LIBRARY != null;
  }

  /** The largest libjpeg scale-down, 1, 2, 4 or 8, that is not above the subsampling period. */
  static int reduction(int period) {
    return period >= 8 ? 8 : period >= 4 ? 4 : period >= 2 ? 2 : 1;
  }

  /**
   * Decodes a JPEG of {@code width} x {@code height} with {@code components} 1 (grey) or 3 (colour), reduced by
   * {@code reduction}.
   *
   * <p>TurboJPEG picks the largest of its scaling factors whose output fits in the size asked for; asked for
   * exactly {@code ceil(width / reduction)} x {@code ceil(height / reduction)}, that is 1 / {@code reduction},
   * so the array is never written past its end.
   *
   * @return TYPE_3BYTE_BGR (colour) or TYPE_BYTE_GRAY (grey) pixels, or null when libjpeg reported an error or
   *     a warning
   */
  static BufferedImage decode(byte[] jpeg, int width, int height, int components, int reduction) {
    int w = (width + reduction - 1) / reduction;
    int h = (height + reduction - 1) / reduction;
    BufferedImage image = new BufferedImage(w, h,
        components == 1 ? BufferedImage.TYPE_BYTE_GRAY : BufferedImage.TYPE_3BYTE_BGR);
    byte[] pixels = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
    int status = LIBRARY.tjDecompress2(HANDLE.get(), jpeg, jpeg.length, pixels, w, 0, h,
        components == 1 ? TJPF_GRAY : TJPF_BGR, TJFLAG_STOPONWARNING);
    return status == 0 ? image : null;
  }

  private static Library load() {
    try {
      Library library = LibraryLoader.create(Library.class).failImmediately().load("turbojpeg");
      Pointer probe = library.tjInitDecompress();
      if (probe == null) {
        throw new IllegalStateException("tjInitDecompress returned NULL");
      }
      library.tjDestroy(probe);
      return library;
    } catch (LinkageError | RuntimeException e) {
      LOG.warn("libturbojpeg is not installed here (apt-get install libturbojpeg0), so every JPEG is decoded by the"
          + " JDK's reader, about 2-3 times slower: {}", e.toString());
      return null;
    }
  }
}
