package io.catalogml.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.KryoException;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Kryo serialiser for ND4J arrays that copies a numeric array's memory in bulk.
 *
 * <p>ND4J's own serialisation ({@code Nd4j.write}, used by Java serialisation of an {@code INDArray}
 * and by {@code nd4j-kryo}'s serialiser) writes every element through a {@code DataOutputStream}.
 * Parameter averaging ships the whole network and its Adam state to the workers and back every
 * round, so that per-element loop was the largest Java cost of a round in a profile of text
 * training (see docs/BENCHMARKS.md, "The averaging round's serialisation").
 *
 * <p>Format: a tag byte; for {@link #RAW}: data type, byte order, rank, shape, then the elements'
 * bytes in C order. A view, an F-order array or one with an offset is copied to a C-order array
 * first. An empty array is its type and shape ({@link #EMPTY}). Arrays this format does not cover
 * (string, compressed) are tagged {@link #ND4J} and written with {@code Nd4j.write}. Arrays are
 * read outside any ND4J workspace, so a worker's cyclic workspace never owns a deserialised
 * parameter array.
 */
public final class NdArrayKryoSerializer extends Serializer<INDArray> {
  static final byte RAW = 1;
  static final byte ND4J = 2;
  static final byte EMPTY = 3;
  private static final int CHUNK = 1 << 16;
  /** This machine's byte order, as written before the elements: 0 little-endian, 1 big-endian. */
  private static final byte NATIVE_ORDER = (byte) (ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN ? 0 : 1);

  @Override
  public void write(Kryo kryo, Output output, INDArray array) {
    if (array.isEmpty()) {
      output.writeByte(EMPTY);
      output.writeString(array.dataType().name());
      writeShape(output, array.shape());
      return;
    }
    if (!raw(array)) {
      output.writeByte(ND4J);
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(bytes)) {
        Nd4j.write(array, out);
      } catch (IOException e) {
        throw new KryoException("cannot write an ND4J array of type " + array.dataType(), e);
      }
      output.writeInt(bytes.size(), true);
      output.writeBytes(bytes.toByteArray());
      return;
    }
    INDArray c = dense(array);
    output.writeByte(RAW);
    output.writeString(c.dataType().name());
    output.writeByte(NATIVE_ORDER);
    writeShape(output, c.shape());
    ByteBuffer memory = c.data().asNio().duplicate();
    long bytes = c.length() * c.data().getElementSize();
    if (memory.remaining() < bytes) {
      throw new KryoException("ND4J array memory holds " + memory.remaining() + " bytes, expected " + bytes);
    }
    memory.limit((int) (memory.position() + bytes));
    byte[] chunk = new byte[(int) Math.min(CHUNK, bytes)];
    while (memory.hasRemaining()) {
      int n = Math.min(chunk.length, memory.remaining());
      memory.get(chunk, 0, n);
      output.writeBytes(chunk, 0, n);
    }
  }

  @Override
  public INDArray read(Kryo kryo, Input input, Class<INDArray> type) {
    byte tag = input.readByte();
    try (MemoryWorkspace detached = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      if (tag == ND4J) {
        byte[] bytes = input.readBytes(input.readInt(true));
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
          return Nd4j.read(in);
        } catch (IOException e) {
          throw new KryoException("cannot read an ND4J array", e);
        }
      }
      if (tag == EMPTY) {
        DataType dataType = DataType.valueOf(input.readString());
        long[] shape = readShape(input);
        return shape.length == 0 ? Nd4j.empty(dataType) : Nd4j.create(dataType, shape);
      }
      if (tag != RAW) {
        throw new KryoException("unknown ND4J array tag " + tag + ": written by another serialiser?");
      }
      DataType dataType = DataType.valueOf(input.readString());
      if (input.readByte() != NATIVE_ORDER) {
        throw new KryoException("an ND4J array written with the other byte order cannot be read here: "
            + "driver and executors must run on machines of one byte order");
      }
      long[] shape = readShape(input);
      INDArray array = Nd4j.createUninitialized(dataType, shape, 'c');
      ByteBuffer memory = array.data().asNio().duplicate();
      long bytes = array.length() * array.data().getElementSize();
      memory.limit((int) (memory.position() + bytes));
      byte[] chunk = new byte[(int) Math.min(CHUNK, Math.max(bytes, 1))];
      while (memory.hasRemaining()) {
        int n = Math.min(chunk.length, memory.remaining());
        input.readBytes(chunk, 0, n);
        memory.put(chunk, 0, n);
      }
      return array;
    }
  }

  private static void writeShape(Output output, long[] shape) {
    output.writeInt(shape.length, true);
    for (long dim : shape) {
      output.writeLong(dim, true);
    }
  }

  private static long[] readShape(Input input) {
    long[] shape = new long[input.readInt(true)];
    for (int i = 0; i < shape.length; i++) {
      shape[i] = input.readLong(true);
    }
    return shape;
  }

  /** Whether a non-empty {@code array} is written as raw memory: numeric, under 2 GiB. */
  static boolean raw(INDArray array) {
    if (array.isCompressed() || array.isS() || !array.dataType().isNumerical()
        && array.dataType() != DataType.BOOL) {
      return false;
    }
    return array.length() * array.dataType().width() < Integer.MAX_VALUE;
  }

  private static INDArray dense(INDArray array) {
    boolean plain = !array.isView() && array.ordering() == 'c' && array.data().offset() == 0
        && array.data().length() == array.length();
    return plain ? array : array.dup('c');
  }
}
