package io.catalogml.model;

import java.io.Serializable;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Class labels and their output indices, fixed when a model is trained: index {@code i} of the
 * model's probabilities is {@code labels().get(i)}. Labels are sorted, so the same training
 * labels always give the same map.
 */
public final class LabelMap implements Serializable {
  private final List<String> labels;
  private transient Map<String, Integer> lookup;

  /** A map of these labels in this order. */
  public LabelMap(List<String> labels) {
    this.labels = List.copyOf(labels);
    if (this.labels.isEmpty()) {
      throw new IllegalArgumentException("a label map needs at least one label");
    }
  }

  /** A map of the distinct labels given, sorted. */
  public static LabelMap of(Collection<String> labels) {
    return new LabelMap(labels.stream().distinct().sorted().toList());
  }

  /** The labels in output order. */
  public List<String> labels() {
    return labels;
  }

  /** Number of classes. */
  public int size() {
    return labels.size();
  }

  /** Output index of a label, or -1 for a label the model does not know. */
  public int index(String label) {
    if (lookup == null) {
      Map<String, Integer> m = new HashMap<>(labels.size() * 2);
      for (int i = 0; i < labels.size(); i++) {
        m.put(labels.get(i), i);
      }
      lookup = m;
    }
    Integer i = lookup.get(label);
    return i == null ? -1 : i;
  }

  /** Label of an output index. */
  public String label(int index) {
    return labels.get(index);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LabelMap other && other.labels.equals(labels);
  }

  @Override
  public int hashCode() {
    return Objects.hash(labels);
  }

  @Override
  public String toString() {
    return "LabelMap" + labels;
  }
}
