package io.catalogml.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.deeplearning4j.nn.layers.mkldnn.BaseMKLDNNHelper;
import org.nd4j.linalg.factory.Nd4j;

/**
 * How DL4J executes layers in this JVM, set once before any network is built or restored.
 *
 * <p>DL4J 1.0.0-M2 runs convolution and pooling layers through ND4J's oneDNN kernels only when
 * two things hold, and neither does by default: the system property
 * {@value #HELPERS_DISABLED} is {@code false} (DL4J's default is {@code true}, so no layer gets
 * a helper), and its oneDNN check finds ND4J's native environment (see
 * {@link org.nd4j.nativeblas.Nd4jCpu}). Otherwise each convolution is an im2col into a permuted
 * view plus a matrix multiply in Java, half of a fusion training step. {@link #configure()} turns
 * the helpers on unless the JVM was started with the property set (to {@code true} to compare or
 * to work around a helper fault); the launchers pass it to every driver and executor JVM, since
 * executors build networks inside DL4J's own Spark code. The helpers compute the same outputs and
 * gradients as the built-in path to float precision ({@code Dl4jRuntimeTest}).
 */
public final class Dl4jRuntime {
  /** DL4J's switch for its cuDNN/oneDNN layer helpers ({@code HelperUtils}). */
  public static final String HELPERS_DISABLED = "org.eclipse.deeplearning4j.helpers.disable";

  private Dl4jRuntime() {}

  /** Turns DL4J's layer helpers on unless the property was set; idempotent. Call before building a network. */
  public static synchronized void configure() {
    if (System.getProperty(HELPERS_DISABLED) == null) {
      System.setProperty(HELPERS_DISABLED, "false");
    }
  }

  /**
   * Runs {@code build} with DL4J's layer helpers on or off, then puts the JVM's setting back: the
   * helpers are chosen when a layer is created, so a network built here keeps them (benchmarks).
   */
  public static synchronized <T> T withHelpers(boolean on, Supplier<T> build) {
    String before = System.getProperty(HELPERS_DISABLED);
    System.setProperty(HELPERS_DISABLED, Boolean.toString(!on));
    try {
      return build.get();
    } finally {
      if (before == null) {
        System.clearProperty(HELPERS_DISABLED);
      } else {
        System.setProperty(HELPERS_DISABLED, before);
      }
    }
  }

  /** True when networks built from now on run convolutions and pooling through oneDNN. */
  public static boolean oneDnnLayers() {
    return !Boolean.parseBoolean(System.getProperty(HELPERS_DISABLED, "true")) && BaseMKLDNNHelper.mklDnnEnabled();
  }

  /** What a run records about the native backend: backend, oneDNN in the binary and in the layers, threads. */
  public static Map<String, String> describe() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("backend", Nd4j.getExecutioner().getEnvironmentInformation().getProperty("backend", "unknown"));
    d.put("onednn-layers", Boolean.toString(oneDnnLayers()));
    d.put("threads", Integer.toString(Nd4j.getEnvironment().maxThreads()));
    return d;
  }
}
