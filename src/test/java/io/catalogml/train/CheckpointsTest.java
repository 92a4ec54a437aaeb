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
  void theMeanOfEpochsIsTheMeanOfTheirSavedWeightsAndLeavesTheCheckpointsAsSaved(@TempDir Path root) {
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

    INDArray expected = saved.get(1).add(saved.get(2)).add(saved.get(3)).divi(3);
    assertThat(run.mean(2, 4).params().equalsWithEps(expected, 1e-6)).as("epochs 2-4").isTrue();
    assertThat(run.mean(2, 4).params().equalsWithEps(saved.get(3), 1e-3)).as("not the last epoch's").isFalse();
    assertThat(run.mean(4, 4).params().equalsWithEps(saved.get(3), 0)).as("one epoch is itself").isTrue();
    for (int epoch = 1; epoch <= 4; epoch++) {
      assertThat(run.load(epoch).params().equalsWithEps(saved.get(epoch - 1), 0)).as("epoch %d as saved", epoch)
          .isTrue();
    }
  }
}
