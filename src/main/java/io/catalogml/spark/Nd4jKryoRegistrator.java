package io.catalogml.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.serializers.JavaSerializer;
import org.apache.spark.serializer.KryoRegistrator;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * Registers {@link NdArrayKryoSerializer} for every ND4J array class, so Spark's Kryo serialiser
 * ships DL4J's parameters, updater state and minibatches by bulk memory copy. Java records go
 * through Java serialisation: Kryo 4's field serialiser cannot set a record's fields on Java 17.
 */
public final class Nd4jKryoRegistrator implements KryoRegistrator {
  @Override
  public void registerClasses(Kryo kryo) {
    kryo.addDefaultSerializer(INDArray.class, new NdArrayKryoSerializer());
    kryo.addDefaultSerializer(Record.class, new JavaSerializer());
  }
}
