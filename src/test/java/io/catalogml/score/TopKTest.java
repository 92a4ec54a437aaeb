package io.catalogml.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.model.LabelMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import scala.collection.JavaConverters;

/** A prediction's top classes: most probable first, ties in class order, NaN never above a number. */
class TopKTest {
  @Test
  void matchesAFullSortOfTheProbabilities() {
    Random random = new Random(3);
    List<String> names = new ArrayList<>();
    for (int c = 0; c < 40; c++) {
      names.add("class" + c);
    }
    LabelMap labels = LabelMap.of(names);
    for (int trial = 0; trial < 500; trial++) {
      List<Float> p = new ArrayList<>();
      for (int c = 0; c < names.size(); c++) {
        // Few distinct values, so ties are common; now and then a NaN.
        p.add(random.nextInt(50) == 0 ? Float.NaN : random.nextInt(8) / 8f);
      }
      int k = 1 + random.nextInt(5);
      List<Integer> order = new ArrayList<>();
      for (int c = 0; c < p.size(); c++) {
        order.add(c);
      }
      order.sort(Comparator.comparingDouble((Integer c) -> -p.get(c)).thenComparingInt(c -> c));
      Row top = ScoreStage.topK(JavaConverters.asScalaBuffer(p).toSeq(), labels, k);
      List<String> topNames = top.getAs(0);
      List<Double> topValues = top.getAs(1);
      assertThat(topNames).hasSize(k);
      for (int i = 0; i < k; i++) {
        assertThat(topNames.get(i)).as("trial %d rank %d", trial, i).isEqualTo(labels.label(order.get(i)));
        assertThat(topValues.get(i)).isEqualTo((double) p.get(order.get(i)));
      }
    }
  }

  @Test
  void neverMoreThanTheClasses() {
    Row top = ScoreStage.topK(JavaConverters.asScalaBuffer(List.of(0.25f, 0.75f)).toSeq(),
        LabelMap.of(List.of("a", "b")), 3);
    assertThat(top.<List<String>>getAs(0)).containsExactly("b", "a");
    assertThat(top.<List<Double>>getAs(1)).containsExactly(0.75, 0.25);
  }
}
