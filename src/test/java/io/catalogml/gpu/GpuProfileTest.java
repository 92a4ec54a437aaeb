package io.catalogml.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.config.CatalogConfig;
import io.catalogml.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * The {@code gpu} Maven profile swaps the ND4J backend for CUDA and the default build keeps
 * nd4j-native; read from pom.xml itself. (That -Pgpu packages the CUDA classes is checked by
 * building it: see docs/GPU.md.) Also that conf/examples/gpu.conf loads.
 */
class GpuProfileTest {
  static Element project;

  @BeforeAll
  static void readPom() throws Exception {
    DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
    f.setNamespaceAware(false);
    Document pom = f.newDocumentBuilder().parse(Path.of("pom.xml").toFile());
    project = pom.getDocumentElement();
  }

  @Test
  void defaultBuildUsesNd4jNativeM2ForThisPlatform() {
    assertThat(backendDependencies(Map.of())).containsExactly(
        "org.nd4j:nd4j-native:1.0.0-M2",
        "org.nd4j:nd4j-native:1.0.0-M2:linux-x86_64-onednn-avx2");
  }

  @Test
  void gpuProfileSwapsTheBackendForNd4jCuda116M21() {
    Element gpu = profile("gpu");
    assertThat(gpu).as("a <profile> with id gpu").isNotNull();
    assertThat(child(gpu, "activation")).as("gpu is switched on with -Pgpu only").isNull();
    Map<String, String> overrides = properties(child(gpu, "properties"));
    assertThat(backendDependencies(overrides)).containsExactly(
        "org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1",
        "org.nd4j:nd4j-cuda-11.6:1.0.0-M2.1:linux-x86_64");
  }

  @Test
  void noOtherDependencyBringsAnNd4jBackend() {
    for (Element d : dependencies(child(project, "dependencies"))) {
      String artifact = text(d, "artifactId");
      assertThat(artifact).as("backend artifacts go through ${nd4j.backend}")
          .doesNotStartWith("nd4j-native").doesNotStartWith("nd4j-cuda");
    }
    Element gpu = profile("gpu");
    assertThat(child(gpu, "dependencies")).as("the profile swaps properties, not dependencies").isNull();
  }

  @Test
  void gpuExampleConfigLoadsWithExecutorGpuSettings() {
    CatalogConfig c = ConfigLoader.load(List.of(Path.of("conf/examples/gpu.conf")), List.of());
    assertThat(c.spark().conf())
        .containsEntry("spark.executor.resource.gpu.amount", "1")
        .containsEntry("spark.task.resource.gpu.amount", "1")
        .containsKey("spark.executor.resource.gpu.discoveryScript")
        .containsKey("spark.executor.cores");
    assertThat(c.spark().conf().get("spark.executor.resource.gpu.discoveryScript"))
        .endsWith("jobs/gpu/getGpusResources.sh");
  }

  /** The ND4J backend dependencies as groupId:artifactId:version[:classifier], resolved. */
  static List<String> backendDependencies(Map<String, String> profileProperties) {
    Map<String, String> props = new HashMap<>(properties(child(project, "properties")));
    props.putAll(profileProperties);
    List<String> out = new ArrayList<>();
    for (Element d : dependencies(child(project, "dependencies"))) {
      String group = resolve(text(d, "groupId"), props);
      String artifact = resolve(text(d, "artifactId"), props);
      if (group.equals("org.nd4j") && (artifact.startsWith("nd4j-native") || artifact.startsWith("nd4j-cuda"))) {
        String classifier = text(d, "classifier");
        out.add(group + ":" + artifact + ":" + resolve(text(d, "version"), props)
            + (classifier == null ? "" : ":" + resolve(classifier, props)));
      }
    }
    return out;
  }

  static String resolve(String value, Map<String, String> props) {
    Pattern ref = Pattern.compile("\\$\\{([^}]+)}");
    for (int i = 0; i < 10 && value != null && value.contains("${"); i++) {
      Matcher m = ref.matcher(value);
      StringBuilder sb = new StringBuilder();
      while (m.find()) {
        String v = props.get(m.group(1));
        assertThat(v).as("property ${%s} is defined", m.group(1)).isNotNull();
        m.appendReplacement(sb, Matcher.quoteReplacement(v));
      }
      m.appendTail(sb);
      value = sb.toString();
    }
    return value;
  }

  static Element profile(String id) {
    Element profiles = child(project, "profiles");
    if (profiles == null) {
      return null;
    }
    for (Element p : children(profiles, "profile")) {
      if (id.equals(text(p, "id"))) {
        return p;
      }
    }
    return null;
  }

  static Map<String, String> properties(Element properties) {
    Map<String, String> out = new HashMap<>();
    if (properties != null) {
      for (Node n = properties.getFirstChild(); n != null; n = n.getNextSibling()) {
        if (n instanceof Element e) {
          out.put(e.getTagName(), e.getTextContent().trim());
        }
      }
    }
    return out;
  }

  static List<Element> dependencies(Element dependencies) {
    return dependencies == null ? List.of() : children(dependencies, "dependency");
  }

  static List<Element> children(Element parent, String tag) {
    List<Element> out = new ArrayList<>();
    for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element e && e.getTagName().equals(tag)) {
        out.add(e);
      }
    }
    return out;
  }

  static Element child(Element parent, String tag) {
    List<Element> c = children(parent, tag);
    return c.isEmpty() ? null : c.get(0);
  }

  static String text(Element parent, String tag) {
    Element c = child(parent, tag);
    return c == null ? null : c.getTextContent().trim();
  }
}
