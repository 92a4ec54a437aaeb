package io.catalogml.train;

import java.io.Serializable;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Class labels and their output indices, fixed when a model is trained: index {@code i} of the
 * network's softmax is {@code labels().get(i)}. Labels are sorted, so the same training labels
 * always give the same map.
 *
 * @param labels the class labels, in output order
 */
public record LabelMap(List<String> labels) implements Serializable {
  public LabelMap {
    labels = List.copyOf(labels);
    if (labels.isEmpty()) {
      throw new IllegalArgumentException("a label map needs at least one label");
    }
  }

  /** A map of the distinct labels given, sorted. */
  public static LabelMap of(java.util.Collection<String> labels) {
    return new LabelMap(labels.stream().distinct().sorted().toList());
  }

  /** Number of classes. */
  public int size() {
    return labels.size();
  }

  /** Output index of a label, or -1 for a label the model does not know. */
  public int index(String label) {
    Integer i = lookup().get(label);
    return i == null ? -1 : i;
  }

  /** Label of an output index. */
  public String label(int index) {
    return labels.get(index);
  }

  private Map<String, Integer> lookup() {
    Map<String, Integer> m = new HashMap<>(labels.size() * 2);
    for (int i = 0; i < labels.size(); i++) {
      m.put(labels.get(i), i);
    }
    return m;
  }
}
