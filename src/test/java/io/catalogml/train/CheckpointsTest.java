package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.evaluate.EpochMetrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/** The mean of saved epochs that {@code train.average-epochs} packages, from real checkpoint files. */
class CheckpointsTest {
  @Test
  void theMeansOfTheLastEpochsAreTheMeansOfTheirSavedWeightsAndLeaveTheCheckpointsAsSaved(@TempDir Path root) {
    Checkpoints run = Checkpoints.create(root, "run");
    TrainState state = TrainState.start("run", "tracking", Map.of(), 0);
    List<INDArray> saved = new ArrayList<>();
    for (int epoch = 1; epoch <= 4; epoch++) {
      ComputationGraph net = DivergenceTest.network();
      Nd4j.getRandom().setSeed(epoch);
      net.setParams(Nd4j.rand(DataType.FLOAT, 1, net.numParams()).muli(epoch));
      saved.add(net.params().dup());
      state = state.after(new EpochMetrics(epoch, 1.0, 1.0, 0.5, 0.5, 0.5, 1.0));
      run.save(net, state);
    }

    var means = run.means(4, new java.util.TreeSet<>(List.of(2, 3)));
    assertThat(means).containsOnlyKeys(2, 3);
    assertThat(means.get(2).params().equalsWithEps(saved.get(2).add(saved.get(3)).divi(2), 1e-6)).as("epochs 3-4")
        .isTrue();
    INDArray expected = saved.get(1).add(saved.get(2)).add(saved.get(3)).divi(3);
    assertThat(means.get(3).params().equalsWithEps(expected, 1e-6)).as("epochs 2-4").isTrue();
    assertThat(means.get(3).params().equalsWithEps(saved.get(3), 1e-3)).as("not the last epoch's").isFalse();
    assertThat(run.means(4, new java.util.TreeSet<>(List.of(1))).get(1).params().equalsWithEps(saved.get(3), 0))
        .as("one epoch is itself").isTrue();
    assertThat(run.means(4, new java.util.TreeSet<>())).isEmpty();
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertThat(run.load(epoch).params().equalsWithEps(saved.get(epoch - 1), 0)).as("epoch %d as saved", epoch)
          .isTrue();
    }
  }
}
