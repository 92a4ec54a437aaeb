package io.catalogml.model;

import io.catalogml.config.ModelSettings;
import io.catalogml.train.NetworkFactory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.catalogml.preprocess.FeatureTables;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema;
import org.apache.spark.sql.types.StructType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import scala.collection.JavaConverters;

/** How a features row becomes network inputs, and what a product without an image reads. */
class FeatureBatchesTest {
  static final StructType SCHEMA = FeatureTables.FEATURES;
  static final InputSpec FUSION = new InputSpec(ModelSettings.Mode.FUSION, 5, 50, 4, 2, "p", "4x2-pad");

  static Row row(String id, String label, List<Integer> title, List<Integer> description, byte[] image) {
    Object[] values = new Object[SCHEMA.size()];
    values[SCHEMA.fieldIndex("product_id")] = id;
    values[SCHEMA.fieldIndex("label")] = label;
    values[SCHEMA.fieldIndex("title_ids")] = JavaConverters.asScalaBuffer(title).toList();
    values[SCHEMA.fieldIndex("description_ids")] = JavaConverters.asScalaBuffer(description).toList();
    values[SCHEMA.fieldIndex("image_ok")] = image != null;
    values[SCHEMA.fieldIndex("image")] = image;
    return new GenericRowWithSchema(values, SCHEMA);
  }

  static Row row(String id, List<Integer> title, List<Integer> subwords) {
    Row r = row(id, "x", title, List.of(), image());
    Object[] values = new Object[SCHEMA.size()];
    for (int i = 0; i < values.length; i++) {
      values[i] = r.get(i);
    }
    values[SCHEMA.fieldIndex(FeatureTables.SUBWORD_IDS)] = subwords == null ? null
        : JavaConverters.asScalaBuffer(subwords).toList();
    return new GenericRowWithSchema(values, SCHEMA);
  }

  /** A 4x2 RGB image whose pixel p has the values (p, 100 + p, 255). */
  static byte[] image() {
    byte[] rgb = new byte[4 * 2 * 3];
    for (int p = 0; p < 8; p++) {
      rgb[3 * p] = (byte) p;
      rgb[3 * p + 1] = (byte) (100 + p);
      rgb[3 * p + 2] = (byte) 255;
    }
    return rgb;
  }

  @Test
  void tokensAreTitleThenDescriptionTruncatedAndMasked() {
    FeatureBatches.Inputs in = FeatureBatches.inputs(List.of(
        row("a", "x", List.of(7, 8), List.of(9, 10, 11, 12), image()),
        row("b", "x", List.of(), List.of(), image())), FUSION);
    assertThat(in.features()[0].getRow(0).toFloatVector()).containsExactly(7, 8, 9, 10, 11);
    assertThat(in.masks()[0].getRow(0).toFloatVector()).containsExactly(1, 1, 1, 1, 1);
    assertThat(in.features()[0].getRow(1).toFloatVector()).as("no token: one unknown word")
        .containsExactly(1, 0, 0, 0, 0);
    assertThat(in.masks()[0].getRow(1).toFloatVector()).containsExactly(1, 0, 0, 0, 0);
    assertThat(in.masks()[1]).as("images have no mask").isNull();
  }

  @Test
  void subwordIdsFollowInSlotsOfTheirOwnTruncatedAndMasked() {
    InputSpec spec = new InputSpec(ModelSettings.Mode.TEXT, 3, 50, 4, 2, "p", "4x2-pad", 4, false);
    assertThat(spec.tokenLength()).isEqualTo(7);
    FeatureBatches.Inputs in = FeatureBatches.inputs(List.of(
        row("a", List.of(7), List.of(40, 41, 42, 43, 44)),
        row("b", List.of(7, 8, 9, 10), List.of(40)),
        row("c", List.of(), null)), spec);
    assertThat(in.features()[0].getRow(0).toFloatVector()).containsExactly(7, 0, 0, 40, 41, 42, 43);
    assertThat(in.masks()[0].getRow(0).toFloatVector()).containsExactly(1, 0, 0, 1, 1, 1, 1);
    assertThat(in.features()[0].getRow(1).toFloatVector()).containsExactly(7, 8, 9, 40, 0, 0, 0);
    assertThat(in.masks()[0].getRow(1).toFloatVector()).containsExactly(1, 1, 1, 1, 0, 0, 0);
    assertThat(in.features()[0].getRow(2).toFloatVector()).as("a row from before subwords: none")
        .containsExactly(1, 0, 0, 0, 0, 0, 0);
    assertThat(in.masks()[0].getRow(2).toFloatVector()).containsExactly(1, 0, 0, 0, 0, 0, 0);
    // As a bag: the frequencies of the same ids.
    InputSpec bag = new InputSpec(ModelSettings.Mode.TEXT, 3, 50, 4, 2, "p", "4x2-pad", 4, true);
    FeatureBatches.Inputs bags = FeatureBatches.inputs(List.of(
        row("a", List.of(7), List.of(40, 41, 40, 43, 44)), row("c", List.of(), null)), bag);
    assertThat(bags.masks()[0]).as("a bag has no mask").isNull();
    assertThat(bags.features()[0].shape()).containsExactly(2, 50);
    assertThat(bags.features()[0].getFloat(0, 7)).isCloseTo(0.2f, within(1e-6f));
    assertThat(bags.features()[0].getFloat(0, 40)).as("40 twice in the four slots kept").isCloseTo(0.4f, within(1e-6f));
    assertThat(bags.features()[0].getFloat(0, 44)).as("past the slots").isZero();
    assertThat(bags.features()[0].getRow(0).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-6));
    assertThat(bags.features()[0].getFloat(1, 1)).as("no id: the unknown word").isEqualTo(1f);
    // As a bag of ids: the same ids in their slots, -1 in the empty ones, no mask.
    InputSpec ids = new InputSpec(ModelSettings.Mode.TEXT, 3, 50, 4, 2, "p", "4x2-pad", 4, true, true);
    FeatureBatches.Inputs idBags = FeatureBatches.inputs(List.of(
        row("a", List.of(7), List.of(40, 41, 40, 43, 44)), row("c", List.of(), null)), ids);
    assertThat(idBags.masks()[0]).isNull();
    assertThat(idBags.features()[0].getRow(0).toFloatVector()).containsExactly(7, -1, -1, 40, 41, 40, 43);
    assertThat(idBags.features()[0].getRow(1).toFloatVector()).as("no id: the unknown word")
        .containsExactly(1, -1, -1, -1, -1, -1, -1);
    // Without subword slots the same rows read their word ids only.
    INDArray words = FeatureBatches.inputs(List.of(row("a", List.of(7), List.of(40, 41))), FUSION).features()[0];
    assertThat(words.getRow(0).toFloatVector()).containsExactly(7, 0, 0, 0, 0);
  }

  @Test
  void imagesBecomeCentredChannelsFirst() {
    INDArray img = FeatureBatches.inputs(List.of(row("a", "x", List.of(2), List.of(), image())), FUSION)
        .features()[1];
    assertThat(img.shape()).containsExactly(1, 3, 2, 4);
    assertThat(img.getFloat(0, 0, 1, 2)).isCloseTo(6 / 255f - 0.5f, within(1e-6f));
    assertThat(img.getFloat(0, 1, 1, 2)).isCloseTo(106 / 255f - 0.5f, within(1e-6f));
    assertThat(img.getFloat(0, 2, 0, 0)).isCloseTo(0.5f, within(1e-6f));
  }

  @Test
  void aProductWithoutImageReadsZerosAndAFlagAndStillGetsAPrediction() {
    Row without = row("a", "x", List.of(2, 3), List.of(), null);
    Row with = row("a", "x", List.of(2, 3), List.of(), image());
    FeatureBatches.Inputs in = FeatureBatches.inputs(List.of(without, with), FUSION);
    assertThat(in.features()[1].slice(0).sumNumber().doubleValue()).isZero();
    assertThat(in.features()[2].toFloatVector()).containsExactly(0, 1);

    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, ModelSettings.Mode.FUSION,
        ModelSettings.TextEncoder.POOL, 8, 5, List.of(4), 1, 16, 0, false);
    ComputationGraph net = NetworkFactory.build(model, FUSION, 3, 0.01, 1, null);
    INDArray out = net.output(false, in.features(), in.masks())[0];
    for (int r = 0; r < 2; r++) {
      assertThat(out.getRow(r).sumNumber().doubleValue()).isCloseTo(1.0, within(1e-5));
      for (float p : out.getRow(r).toFloatVector()) {
        assertThat(p).isFinite();
      }
    }
    assertThat(out.getRow(0).toFloatVector()).as("the image input matters").isNotEqualTo(out.getRow(1).toFloatVector());
  }

  @Test
  void anImageOfAnotherSizeOrALabelOutsideTheMapSaysWhatIsWrong() {
    Row wrongSize = row("p1", "x", List.of(2), List.of(), new byte[10]);
    assertThatThrownBy(() -> FeatureBatches.inputs(List.of(wrongSize), FUSION))
        .hasMessageContaining("product p1").hasMessageContaining("10 bytes, expected 24 for 4x2 RGB");
    Row unknown = row("p2", "zebra", List.of(2), List.of(), image());
    assertThatThrownBy(() -> FeatureBatches.dataSet(List.of(unknown), FUSION, LabelMap.of(List.of("x", "y"))))
        .hasMessageContaining("label 'zebra' of product p2 is not in the label map");
  }

  @Test
  void aMinibatchHasOneHotLabelsInLabelMapOrder() {
    List<Row> rows = new ArrayList<>();
    rows.add(row("a", "y", List.of(2), List.of(), image()));
    rows.add(row("b", "x", List.of(3), List.of(), null));
    MultiDataSet mds = FeatureBatches.dataSet(rows, FUSION, LabelMap.of(List.of("y", "x")));
    assertThat(mds.getLabels(0).getRow(0).toFloatVector()).containsExactly(0, 1);
    assertThat(mds.getLabels(0).getRow(1).toFloatVector()).containsExactly(1, 0);
    assertThat(mds.getFeatures()).hasSize(3);
  }
}
