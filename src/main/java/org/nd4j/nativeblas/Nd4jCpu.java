package org.nd4j.nativeblas;

/**
 * Compatibility shim for DL4J 1.0.0-M2, written for catalog-ml: DL4J's
 * {@code BaseMKLDNNHelper.mklDnnEnabled()} asks {@code org.nd4j.nativeblas.Nd4jCpu$Environment}
 * whether ND4J was built with oneDNN, but ND4J 1.0.0-M2 moved that class to
 * {@code org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu}. Without a class under the old name the
 * check fails, and DL4J runs every convolution as im2col plus a matrix multiply in Java even on
 * a oneDNN build of ND4J (a fusion training step 3.6 times as long; docs/BENCHMARKS.md). This class answers under
 * the old name with the real binding's answer; nothing else of ND4J is replaced. See
 * {@code io.catalogml.model.Dl4jRuntime}. Remove it with the move to a DL4J release whose helper
 * check finds the binding itself.
 */
public final class Nd4jCpu {
  private Nd4jCpu() {}

  /** The part of ND4J's native environment that DL4J's oneDNN check reads. */
  public static final class Environment {
    private static final Environment INSTANCE = new Environment();
    private static final String BINDING = "org.nd4j.linalg.cpu.nativecpu.bindings.Nd4jCpu$Environment";

    private Environment() {}

    /** The one instance, as the native binding has it. */
    public static Environment getInstance() {
      return INSTANCE;
    }

    /**
     * True when the loaded ND4J binary was built with oneDNN and uses it. Read by reflection so that
     * this class also compiles in the {@code gpu} build, which has no nd4j-native (DL4J asks only on CPU).
     */
    public boolean isUseMKLDNN() {
      try {
        Class<?> binding = Class.forName(BINDING);
        Object environment = binding.getMethod("getInstance").invoke(null);
        return (Boolean) binding.getMethod("isUseONEDNN").invoke(environment);
      } catch (ReflectiveOperationException | LinkageError e) {
        return false;
      }
    }
  }
}
