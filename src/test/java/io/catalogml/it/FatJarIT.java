package io.catalogml.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.jar.JarFile;
import java.util.zip.ZipEntry;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What the spark-submit jar carries, and the known dependency clashes it must not. */
class FatJarIT {
  static Set<String> entries = new TreeSet<>();
  static Path jar;

  @BeforeAll
  static void readJar() throws IOException {
    jar = Path.of(System.getProperty("catalogml.fatJar"));
    try (JarFile j = new JarFile(jar.toFile())) {
      j.stream().map(ZipEntry::getName).forEach(entries::add);
    }
  }

  @Test
  void carriesTheJobsTheirDefaultsDeltaAndBothTrainingMasters() {
    assertThat(entries).contains(
        "io/catalogml/cli/Main.class",
        "catalog-ml/application.conf",
        "io/delta/tables/DeltaTable.class",
        "org/deeplearning4j/spark/impl/paramavg/ParameterAveragingTrainingMaster.class",
        "org/deeplearning4j/spark/parameterserver/training/SharedTrainingMaster.class",
        "org/mlflow/tracking/MlflowClient.class",
        "com/typesafe/config/ConfigFactory.class",
        "picocli/CommandLine.class");
  }

  @Test
  void leavesSparkAndScalaToTheClusterAndHasNoKryoClash() {
    assertThat(entries).doesNotContain(
        "org/apache/spark/SparkContext.class",
        "org/apache/spark/sql/Dataset.class",
        "scala/Predef.class",
        "com/esotericsoftware/kryo/Kryo.class",
        "org/slf4j/Logger.class");
  }

  @Test
  void bundlesOneNativePlatform() {
    List<String> natives = entries.stream()
        .filter(e -> e.endsWith(".so") || e.endsWith(".dll") || e.endsWith(".dylib") || e.endsWith(".jnilib")
            || e.endsWith(".a"))
        .toList();
    assertThat(natives).anyMatch(n -> n.startsWith("org/bytedeco/") && n.contains("linux-x86_64"));
    assertThat(natives).anyMatch(n -> n.startsWith("org/nd4j/") && n.contains("linux-x86_64"));
    assertThat(natives).allSatisfy(n -> assertThat(n).containsAnyOf("linux-x86_64/", "linux-x86-64/",
        "linux-x86_64-onednn-avx2/", "jni/x86_64-Linux/"));
    assertThat(natives).as("jnr-ffi's stub, which calls libturbojpeg").contains("jni/x86_64-Linux/libjffi-1.2.so");
    if (natives.stream().anyMatch(n -> n.startsWith("org/nd4j/linalg/cpu/"))) {
      assertThat(natives).as("the CPU build bundles ND4J's build with oneDNN (io.catalogml.model.Dl4jRuntime)")
          .anyMatch(n -> n.endsWith("linux-x86_64-onednn-avx2/libnd4jcpu.so"));
    }
  }

  /** One ND4J backend: nd4j-native by default, nd4j-cuda-11.6 when built with -Pgpu (docs/GPU.md). */
  @Test
  void carriesExactlyOneNd4jBackend() throws IOException {
    List<String> backends;
    try (JarFile j = new JarFile(jar.toFile());
        InputStream in = j.getInputStream(j.getEntry("META-INF/services/org.nd4j.linalg.factory.Nd4jBackend"))) {
      backends = new String(in.readAllBytes(), StandardCharsets.UTF_8).lines()
          .map(String::strip).filter(l -> !l.isEmpty() && !l.startsWith("#")).toList();
    }
    assertThat(backends).hasSize(1);
    boolean cuda = backends.get(0).equals("org.nd4j.linalg.jcublas.JCublasBackend");
    if (!cuda) {
      assertThat(backends).containsExactly("org.nd4j.linalg.cpu.nativecpu.CpuBackend");
    }
    String mine = cuda ? "org/nd4j/linalg/jcublas/" : "org/nd4j/linalg/cpu/nativecpu/";
    String other = cuda ? "org/nd4j/linalg/cpu/nativecpu/" : "org/nd4j/linalg/jcublas/";
    assertThat(entries).anyMatch(e -> e.startsWith(mine) && e.endsWith(".class"));
    assertThat(entries).noneMatch(e -> e.startsWith(other));
  }

  @Test
  void registersDeltaAsASparkDataSource() throws IOException {
    try (JarFile j = new JarFile(jar.toFile());
        InputStream in = j.getInputStream(j.getEntry("META-INF/services/org.apache.spark.sql.sources.DataSourceRegister"))) {
      assertThat(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .contains("org.apache.spark.sql.delta.sources.DeltaDataSource");
    }
  }

  @Test
  void resolvedRuntimeDependenciesAvoidTheKnownClashes() throws IOException {
    Path classpath = jar.resolveSibling("runtime-classpath.txt");
    List<String> jars = new ArrayList<>(Arrays.asList(Files.readString(classpath).trim().split(":")));
    List<String> names = jars.stream().map(p -> Path.of(p).getFileName().toString()).toList();
    assertThat(names).anyMatch(n -> n.startsWith("dl4j-spark-parameterserver_2.12-1.0.0-M2"));
    assertThat(names).anyMatch(n -> n.startsWith("dl4j-spark3_2.12-1.0.0-M2"));
    assertThat(names).noneMatch(n -> n.startsWith("dl4j-spark_2.12"));
    assertThat(names).as("Spark brings kryo-shaded; a plain kryo jar clashes with it")
        .noneMatch(n -> n.matches("kryo-\\d.*\\.jar"));
    assertThat(names).noneMatch(n -> n.startsWith("scala-library") || n.startsWith("scala-reflect"));
    assertThat(names).noneMatch(n -> n.startsWith("spark-core") || n.startsWith("spark-sql"));
    assertThat(names).noneMatch(n -> n.contains("windows") || n.contains("macosx") || n.contains("arm64")
        || n.contains("ppc64le") || n.contains("android"));
  }
}
