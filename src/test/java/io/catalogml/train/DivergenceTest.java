package io.catalogml.train;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.catalogml.config.ModelSettings;
import io.catalogml.core.CatalogException;
import io.catalogml.model.InputSpec;
import java.util.List;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A diverged epoch is caught on the driver, from the network's own parameters and loss, before any
 * validation task meets it (Spark would retry each failing task) and before its checkpoint.
 */
class DivergenceTest {
  static ComputationGraph network() {
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, ModelSettings.Mode.TEXT,
        ModelSettings.TextEncoder.POOL, 8, 6, List.of(4, 8), 1, 16, 0.2, false);
    return NetworkFactory.build(model, new InputSpec(ModelSettings.Mode.TEXT, 6, 30, 16, 16, "p", "16x16-pad"), 5,
        0.01, 3, null);
  }

  @Test
  void aFiniteNetworkPasses() {
    assertThatCode(() -> Dl4jTrainer.requireFinite(network(), 1, 2.5)).doesNotThrowAnyException();
  }

  @Test
  void oneNanParameterOrANanLossStopsTrainingWithItsOwnCode() {
    ComputationGraph net = network();
    assertThatThrownBy(() -> Dl4jTrainer.requireFinite(net, 3, Double.NaN))
        .isInstanceOfSatisfying(CatalogException.class, e -> org.assertj.core.api.Assertions.assertThat(e.code())
            .isEqualTo("train.diverged"))
        .hasMessageContaining("epoch 3").hasMessageContaining("train.learning-rate");

    INDArray params = net.params();
    params.putScalar(params.length() / 2, Float.NaN);
    assertThatThrownBy(() -> Dl4jTrainer.requireFinite(net, 4, 1.0)).hasMessageContaining("epoch 4");
    params.putScalar(params.length() / 2, Float.POSITIVE_INFINITY);
    assertThatThrownBy(() -> Dl4jTrainer.requireFinite(net, 5, 1.0)).hasMessageContaining("epoch 5");
  }
}
