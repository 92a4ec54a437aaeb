package io.catalogml.spark;

import static org.assertj.core.api.Assertions.assertThat;

import io.catalogml.SparkTestBase;
import io.catalogml.config.ModelSettings;
import io.catalogml.model.InputSpec;
import io.catalogml.train.NetworkFactory;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.serializer.JavaSerializer;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.spark.api.worker.NetBroadcastTuple;
import org.deeplearning4j.spark.util.SparkUtils;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.memory.conf.WorkspaceConfiguration;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.slf4j.LoggerFactory;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * ND4J arrays and the DL4J objects that hold them survive Spark's Kryo serialiser with the
 * project's registrator bit for bit, and every job session uses it.
 */
class NdArrayKryoSerializerTest extends SparkTestBase {
  private static final ClassTag<Object> ANY = ClassTag$.MODULE$.apply(Object.class);

  private static SerializerInstance kryo() {
    return new KryoSerializer(new SparkConf()
        .set("spark.kryo.registrator", Nd4jKryoRegistrator.class.getName())
        .set("spark.kryoserializer.buffer.max", "1g")).newInstance();
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) {
    SerializerInstance kryo = kryo();
    ByteBuffer bytes = kryo.serialize(value, ANY);
    return (T) kryo.deserialize(bytes, ANY);
  }

  private static void assertSameArray(INDArray actual, INDArray expected) {
    assertThat(actual.dataType()).isEqualTo(expected.dataType());
    assertThat(actual.shape()).containsExactly(expected.shape());
    assertThat(actual.isView()).isFalse();
    // Bit for bit: the raw bytes of both, in C order.
    assertThat(actual.dup('c').data().asBytes()).isEqualTo(expected.dup('c').data().asBytes());
  }

  @ParameterizedTest
  @EnumSource(value = DataType.class, names = {"FLOAT", "DOUBLE", "HALF", "INT", "LONG", "BYTE", "BOOL"})
  void everyNumericTypeComesBackBitForBit(DataType type) {
    INDArray original = Nd4j.rand(DataType.DOUBLE, 7, 11).muli(100).subi(50).castTo(type);
    assertSameArray(roundTrip(original), original);
  }

  @Test
  void viewsFOrderScalarsAndEmptyArraysComeBackAsTheirValues() {
    INDArray matrix = Nd4j.rand(DataType.FLOAT, 6, 5);
    INDArray rows = matrix.get(NDArrayIndex.interval(2, 5), NDArrayIndex.all());
    INDArray column = matrix.getColumn(3);
    INDArray fOrder = matrix.dup('f');
    assertThat(rows.isView()).isTrue();
    assertSameArray(roundTrip(rows), rows);
    assertSameArray(roundTrip(column), column);
    assertThat(roundTrip(fOrder)).isEqualTo(fOrder);
    INDArray scalar = Nd4j.scalar(2.5f);
    assertSameArray(roundTrip(scalar), scalar);
    INDArray empty = Nd4j.empty(DataType.FLOAT);
    INDArray back = roundTrip(empty);
    assertThat(back.isEmpty()).isTrue();
    assertThat(back.dataType()).isEqualTo(DataType.FLOAT);
  }

  @Test
  void anArrayLargerThanACopyChunkComesBackWhole() {
    INDArray big = Nd4j.rand(DataType.FLOAT, 1_000_003);
    assertSameArray(roundTrip(big), big);
  }

  @Test
  void anArrayReadInsideAWorkspaceIsNotOwnedByIt() {
    byte[] bytes;
    SerializerInstance kryo = kryo();
    ByteBuffer buffer = kryo.serialize(Nd4j.rand(DataType.FLOAT, 4, 4), ANY);
    bytes = new byte[buffer.remaining()];
    buffer.get(bytes);
    WorkspaceConfiguration conf = WorkspaceConfiguration.builder().initialSize(1 << 20).build();
    INDArray read;
    try (MemoryWorkspace ws = Nd4j.getWorkspaceManager().getAndActivateWorkspace(conf, "kryo-test")) {
      read = (INDArray) kryo.deserialize(ByteBuffer.wrap(bytes), ANY);
    }
    assertThat(read.isAttached()).as("a cyclic workspace would reuse its memory").isFalse();
  }

  @Test
  void averagingsBroadcastOfAGraphItsParametersAndAdamStateComesBackEqual() {
    ModelSettings.Mode mode = ModelSettings.Mode.FUSION;
    ModelSettings model = new ModelSettings("m", ModelSettings.Type.DL4J, mode, ModelSettings.TextEncoder.POOL,
        8, 6, List.of(4, 8), 2, 16, 0.2, false);
    InputSpec spec = new InputSpec(mode, 6, 30, 16, 16, "p", "16x16-pad");
    ComputationGraph net = NetworkFactory.build(model, spec, 5, 0.01, 3, null);
    INDArray updaterState = Nd4j.rand(DataType.FLOAT, 1, 2 * net.numParams());
    NetBroadcastTuple tuple = new NetBroadcastTuple(net.getConfiguration(), net.params(), updaterState);

    NetBroadcastTuple back = roundTrip(tuple);

    assertThat(back.getGraphConfiguration().toJson()).isEqualTo(net.getConfiguration().toJson());
    assertSameArray(back.getParameters(), net.params());
    assertSameArray(back.getUpdaterState(), updaterState);
  }

  @Test
  void aMinibatchWithoutMasksComesBackWithoutMasks() {
    MultiDataSet batch = new org.nd4j.linalg.dataset.MultiDataSet(
        new INDArray[] {Nd4j.rand(DataType.FLOAT, 2, 6), Nd4j.rand(DataType.FLOAT, 2, 3, 4, 4)},
        new INDArray[] {Nd4j.eye(2).castTo(DataType.FLOAT)},
        new INDArray[] {Nd4j.ones(DataType.FLOAT, 2, 6), null}, null);
    MultiDataSet back = roundTrip(batch);
    assertSameArray(back.getFeatures(1), batch.getFeatures(1));
    assertSameArray(back.getFeaturesMaskArray(0), batch.getFeaturesMaskArray(0));
    assertThat(back.getFeaturesMaskArray(1)).isNull();
    assertThat(back.getLabelsMaskArrays()).isNull();
  }

  record Settings(String name, int batch, List<String> labels) implements java.io.Serializable {}

  @Test
  void javaRecordsComeBackEqual() {
    Settings settings = new Settings("text", 128, List.of("Tshirts", "Watches"));
    assertThat(roundTrip(settings)).isEqualTo(settings);
  }

  @Test
  void everyJobSessionUsesKryoWithTheRegistratorAndDl4jAcceptsIt() {
    SparkConf conf = spark.sparkContext().getConf();
    assertThat(conf.get("spark.serializer")).isEqualTo(SparkSessions.KRYO);
    assertThat(conf.get("spark.kryo.registrator")).isEqualTo(Nd4jKryoRegistrator.class.getName());
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    // DL4J serialises an array with the session's serialiser and compares it: false means broken arrays.
    assertThat(SparkUtils.checkKryoConfiguration(jsc, LoggerFactory.getLogger(getClass()))).isTrue();
    // And a broadcast array reaches a task whole.
    INDArray params = Nd4j.rand(DataType.FLOAT, 1, 50_000);
    var broadcast = jsc.broadcast(params);
    double sum = jsc.parallelize(List.of(1, 2), 2).map(i -> broadcast.value().sumNumber().doubleValue()).first();
    assertThat(sum).isEqualTo(params.sumNumber().doubleValue());
  }

  @Test
  void theJavaSerialiserStillWorksForAJobThatSetsIt() {
    SerializerInstance java = new JavaSerializer(new SparkConf()).newInstance();
    INDArray array = Nd4j.rand(DataType.FLOAT, 3, 3);
    assertThat((INDArray) java.deserialize(java.serialize(array, ANY), ANY)).isEqualTo(array);
  }
}
