package io.catalogml.model;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.spark.ml.linalg.SparseVector;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;
import scala.collection.Seq;

/** The baseline's term-frequency vectors: counts of every id below the vocabulary over all id lists. */
class TermFrequencyTest {
  private static final int VOCABULARY = 500;

  @Test
  void countsEveryIdOfAllListsOnceInIdOrder() {
    Random random = new Random(7);
    for (int product = 0; product < 200; product++) {
      List<List<Integer>> lists = new ArrayList<>();
      for (int l = 0; l < 3; l++) {
        List<Integer> ids = new ArrayList<>();
        int n = random.nextInt(40);
        for (int i = 0; i < n; i++) {
          // 0 is padding and ids at or past the vocabulary are not features: both dropped.
          ids.add(Math.max(0, random.nextInt(VOCABULARY + 25) - 5));
        }
        lists.add(product % 7 == 0 && l == 2 ? null : ids);
      }
      for (boolean sublinear : new boolean[] {false, true}) {
        SparseVector v = LogRegClassifier.termFrequency(VOCABULARY, sublinear, seq(lists.get(0)), seq(lists.get(1)),
            seq(lists.get(2)));
        Map<Integer, Integer> expected = new TreeMap<>();
        lists.stream().filter(java.util.Objects::nonNull).flatMap(List::stream)
            .filter(id -> id > 0 && id < VOCABULARY).forEach(id -> expected.merge(id, 1, Integer::sum));
        assertThat(v.size()).isEqualTo(VOCABULARY);
        assertThat(v.indices()).containsExactly(expected.keySet().stream().mapToInt(Integer::intValue).toArray());
        double[] values = expected.values().stream().mapToDouble(c -> sublinear ? 1 + Math.log(c) : c).toArray();
        assertThat(v.values()).containsExactly(values);
      }
    }
  }

  @Test
  void noIdsGiveAnEmptyVector() {
    SparseVector v = LogRegClassifier.termFrequency(VOCABULARY, true, seq(List.of()), null, seq(List.of(0, VOCABULARY)));
    assertThat(v.indices()).isEmpty();
    assertThat(v.size()).isEqualTo(VOCABULARY);
  }

  private static Seq<Integer> seq(List<Integer> ids) {
    return ids == null ? null : JavaConverters.asScalaBuffer(ids).toSeq();
  }
}
