package io.catalogml.model;

import io.catalogml.preprocess.FeatureTables;
import io.catalogml.preprocess.text.TextPipeline;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Rows of {@code silver.features} → network inputs, in minibatches. The one place that knows how
 * a product becomes tensors, shared by training, evaluation and scoring:
 * <ul>
 *   <li>tokens: title ids then description ids, truncated to {@link InputSpec#maxTokens()}, padded
 *       with {@link TextPipeline#PADDING} and masked; a product without any token reads one
 *       {@link TextPipeline#UNKNOWN}; then, when the spec has {@link InputSpec#subwordTokens()},
 *       the subword ids in those slots, likewise truncated, padded and masked; or, with
 *       {@link InputSpec#bag()}, the frequencies of those same ids, or with {@link InputSpec#idBag()}
 *       those ids with {@link EmbeddingBag#EMPTY} in the empty slots;</li>
 *   <li>image: uint8 RGB (row-major, interleaved) → {@code [3, h, w]} floats {@code v/255 - 0.5};
 *       a product without a usable image reads zeros and {@code image_present = 0}.</li>
 * </ul>
 * Rows must carry {@link #COLUMNS}.
 */
public final class FeatureBatches {
  /** Columns read from a features row. */
  public static final String[] COLUMNS = {"product_id", "label", "title_ids", "description_ids",
      FeatureTables.SUBWORD_IDS, "image_ok", "image"};

  private FeatureBatches() {}

  /** The rows with only the {@link #COLUMNS} this class reads. */
  public static Dataset<Row> select(Dataset<Row> rows) {
    return rows.select(COLUMNS[0], java.util.Arrays.copyOfRange(COLUMNS, 1, COLUMNS.length));
  }

  /** The inputs (and input masks) of a list of rows. */
  public record Inputs(INDArray[] features, INDArray[] masks) {}

  /** Inputs of a batch of rows. */
  public static Inputs inputs(List<Row> rows, InputSpec spec) {
    String[] names = spec.inputs();
    INDArray[] features = new INDArray[names.length];
    INDArray[] masks = new INDArray[names.length];
    for (int i = 0; i < names.length; i++) {
      switch (names[i]) {
        case InputSpec.TOKENS -> {
          INDArray[] t = spec.idBag() ? new INDArray[] {idBags(rows, spec), null}
              : spec.bag() ? new INDArray[] {bags(rows, spec), null}
              : tokens(rows, spec.maxTokens(), spec.subwordTokens());
          features[i] = t[0];
          masks[i] = t[1];
        }
        case InputSpec.IMAGE -> features[i] = images(rows, spec.imageWidth(), spec.imageHeight());
        case InputSpec.IMAGE_PRESENT -> features[i] = present(rows);
        default -> throw new IllegalStateException("unknown input " + names[i]);
      }
    }
    return new Inputs(features, masks);
  }

  /**
   * A training minibatch: inputs plus one-hot labels. Every row's label must be in {@code labels}.
   *
   * <p>Its arrays are allocated outside any ND4J workspace: DL4J may build minibatches on a prefetch
   * thread inside a cyclic workspace (gradient sharing; a recomputed cache partition), whose memory
   * it reuses while the minibatch is still being fitted (see {@code TrainingMasters}).
   */
  public static MultiDataSet dataSet(List<Row> rows, InputSpec spec, LabelMap labels) {
    try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
      return dataSetOutsideWorkspaces(rows, spec, labels);
    }
  }

  private static MultiDataSet dataSetOutsideWorkspaces(List<Row> rows, InputSpec spec, LabelMap labels) {
    Inputs in = inputs(rows, spec);
    float[][] oneHot = new float[rows.size()][labels.size()];
    for (int r = 0; r < rows.size(); r++) {
      String label = rows.get(r).getAs("label");
      int index = labels.index(label);
      if (index < 0) {
        throw new IllegalArgumentException("label '" + label + "' of product " + rows.get(r).getAs("product_id")
            + " is not in the label map");
      }
      oneHot[r][index] = 1f;
    }
    boolean anyMask = false;
    for (INDArray m : in.masks()) {
      anyMask |= m != null;
    }
    return new org.nd4j.linalg.dataset.MultiDataSet(in.features(), new INDArray[] {Nd4j.create(oneHot)},
        anyMask ? in.masks() : null, null);
  }

  /** Splits an iterator of rows into lists of at most {@code size} rows. */
  public static Iterator<List<Row>> chunks(Iterator<Row> rows, int size) {
    return new Iterator<>() {
      @Override
      public boolean hasNext() {
        return rows.hasNext();
      }

      @Override
      public List<Row> next() {
        if (!rows.hasNext()) {
          throw new NoSuchElementException();
        }
        List<Row> chunk = new ArrayList<>(size);
        while (rows.hasNext() && chunk.size() < size) {
          chunk.add(rows.next());
        }
        return chunk;
      }
    };
  }

  static INDArray[] tokens(List<Row> rows, int maxTokens, int subwordTokens) {
    float[][] ids = new float[rows.size()][maxTokens + subwordTokens];
    float[][] mask = new float[rows.size()][maxTokens + subwordTokens];
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      int n = 0;
      n = copy(row.getList(row.fieldIndex("title_ids")), ids[r], n, maxTokens);
      n = copy(row.getList(row.fieldIndex("description_ids")), ids[r], n, maxTokens);
      if (n == 0) {
        ids[r][0] = TextPipeline.UNKNOWN;
        n = 1;
      }
      java.util.Arrays.fill(mask[r], 0, n, 1f);
      if (subwordTokens > 0) {
        int end = copy(row.getList(row.fieldIndex(FeatureTables.SUBWORD_IDS)), ids[r], maxTokens, ids[r].length);
        java.util.Arrays.fill(mask[r], maxTokens, end, 1f);
      }
    }
    return new INDArray[] {Nd4j.create(ids), Nd4j.create(mask)};
  }

  /**
   * Bags of the ids a sequence of the spec would hold: {@code [rows, vocabularySize]}, each id's
   * count over the number of ids (a product without any reads one {@link TextPipeline#UNKNOWN}).
   */
  static INDArray bags(List<Row> rows, InputSpec spec) {
    INDArray[] sequences = tokens(rows, spec.maxTokens(), spec.subwordTokens());
    return bags(sequences[0], sequences[1], spec.vocabularySize());
  }

  /** The ids a sequence of the spec would hold, {@link EmbeddingBag#EMPTY} where its mask is 0. */
  static INDArray idBags(List<Row> rows, InputSpec spec) {
    INDArray[] sequences = tokens(rows, spec.maxTokens(), spec.subwordTokens());
    return idBags(sequences[0], sequences[1]);
  }

  /** Id sequences {@code [rows, length]} with {@link EmbeddingBag#EMPTY} where their mask is 0. */
  public static INDArray idBags(INDArray sequences, INDArray mask) {
    INDArray empty = mask.rsub(1).muli(EmbeddingBag.EMPTY);
    return sequences.mul(mask).addi(empty);
  }

  /** Bags {@code [rows, vocabularySize]} of id sequences {@code [rows, length]} and their mask. */
  public static INDArray bags(INDArray sequences, INDArray mask, int vocabularySize) {
    int rows = (int) sequences.rows();
    int length = (int) sequences.columns();
    float[] ids = sequences.dup('c').data().asFloat();
    float[] masked = mask.dup('c').data().asFloat();
    float[][] bags = new float[rows][vocabularySize];
    for (int r = 0; r < rows; r++) {
      int n = 0;
      for (int t = r * length; t < (r + 1) * length; t++) {
        n += masked[t] > 0 ? 1 : 0;
      }
      for (int t = r * length; t < (r + 1) * length; t++) {
        if (masked[t] > 0) {
          bags[r][(int) ids[t]] += 1f / n;
        }
      }
    }
    return Nd4j.create(bags);
  }

  /** Copies ids into {@code to[start, end)}; returns the index after the last one copied. */
  private static int copy(List<Integer> from, float[] to, int start, int end) {
    int n = start;
    if (from != null) {
      for (int i = 0; i < from.size() && n < end; i++) {
        to[n++] = from.get(i);
      }
    }
    return n;
  }

  static INDArray images(List<Row> rows, int width, int height) {
    int plane = width * height;
    float[] data = new float[rows.size() * 3 * plane];
    for (int r = 0; r < rows.size(); r++) {
      Row row = rows.get(r);
      if (!Boolean.TRUE.equals(row.getAs("image_ok"))) {
        continue;
      }
      byte[] rgb = row.getAs("image");
      if (rgb == null || rgb.length != 3 * plane) {
        throw new IllegalArgumentException("image of product " + row.getAs("product_id") + " has "
            + (rgb == null ? 0 : rgb.length) + " bytes, expected " + 3 * plane + " for " + width + "x" + height
            + " RGB; the features were made with other image settings than the model's");
      }
      int base = r * 3 * plane;
      for (int p = 0; p < plane; p++) {
        data[base + p] = (rgb[3 * p] & 0xff) / 255f - 0.5f;
        data[base + plane + p] = (rgb[3 * p + 1] & 0xff) / 255f - 0.5f;
        data[base + 2 * plane + p] = (rgb[3 * p + 2] & 0xff) / 255f - 0.5f;
      }
    }
    return Nd4j.create(data, new long[] {rows.size(), 3, height, width}, 'c');
  }

  static INDArray present(List<Row> rows) {
    float[][] flag = new float[rows.size()][1];
    for (int r = 0; r < rows.size(); r++) {
      flag[r][0] = Boolean.TRUE.equals(rows.get(r).getAs("image_ok")) ? 1f : 0f;
    }
    return Nd4j.create(flag);
  }
}
