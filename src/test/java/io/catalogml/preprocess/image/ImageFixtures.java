package io.catalogml.preprocess.image;

import io.catalogml.config.ImageSpec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.ImageOutputStream;

/** Images built in code, the generated files in src/test/resources/images, and the bundled sample photos. */
final class ImageFixtures {
  static final Path RESOURCES = Path.of("src/test/resources/images");
  static final Path SAMPLE_PHOTOS = Path.of("data/sample/fashion/images");
  static final Path SAMPLE_PETS = Path.of("data/sample/pets/train");
  private static final String JPEG_METADATA = "javax_imageio_jpeg_image_1.0";

  private ImageFixtures() {}

  /** One colour per quadrant: red top left, green top right, blue bottom left, white bottom right. */
  static BufferedImage quadrants(int width, int height) {
    BufferedImage img = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = img.createGraphics();
    fill(g, Color.RED, 0, 0, width / 2, height / 2);
    fill(g, Color.GREEN, width / 2, 0, width - width / 2, height / 2);
    fill(g, Color.BLUE, 0, height / 2, width / 2, height - height / 2);
    fill(g, Color.WHITE, width / 2, height / 2, width - width / 2, height - height / 2);
    g.dispose();
    return img;
  }

  static BufferedImage solid(int width, int height, int type, Color color) {
    BufferedImage img = new BufferedImage(width, height, type);
    Graphics2D g = img.createGraphics();
    fill(g, color, 0, 0, width, height);
    g.dispose();
    return img;
  }

  private static void fill(Graphics2D g, Color color, int x, int y, int w, int h) {
    g.setColor(color);
    g.fillRect(x, y, w, h);
  }

  static byte[] jpeg(BufferedImage img) {
    return jpeg(img, 0.95f, false);
  }

  /** A JPEG from the JDK's own writer; {@code progressive} writes a multi-scan progressive JPEG. */
  static byte[] jpeg(BufferedImage img, float quality, boolean progressive) {
    ImageWriter writer = jdkJpegWriter();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(quality);
    if (progressive) {
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
    }
    return write(writer, new IIOImage(img, null, null), param);
  }

  static byte[] png(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      if (!ImageIO.write(img, "png", out)) {
        throw new IllegalStateException("no PNG writer");
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gif(BufferedImage img) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ImageIO.write(img, "gif", out);
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A 64x64 YCCK JPEG (Adobe APP14 transform 2) with cyan, magenta, yellow and black quadrants. The JDK
   * writer stores 4 channels as given, so the CMYK to YCCK conversion that libjpeg would do is done here:
   * Adobe CMYK is stored inverted (255 = no ink), and Y, Cb, Cr are computed from R = 255 - C' etc.
   */
  static byte[] ycckQuadrants() {
    WritableRaster raster = Raster.createInterleavedRaster(DataBuffer.TYPE_BYTE, 64, 64, 4, null);
    for (int y = 0; y < 64; y++) {
      for (int x = 0; x < 64; x++) {
        int[] inverted = {255, 255, 255, 255};
        inverted[(y / 32) * 2 + x / 32] = 0;
        raster.setPixel(x, y, ycck(inverted));
      }
    }
    ImageWriter writer = jdkJpegWriter();
    ImageWriteParam param = writer.getDefaultWriteParam();
    param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
    param.setCompressionQuality(0.95f);
    return write(writer, new IIOImage(raster, null, ycckMetadata(writer, param)), param);
  }

  private static int[] ycck(int[] invertedCmyk) {
    double r = 255 - invertedCmyk[0];
    double g = 255 - invertedCmyk[1];
    double b = 255 - invertedCmyk[2];
    return new int[] {
        clamp(0.299 * r + 0.587 * g + 0.114 * b),
        clamp(-0.168736 * r - 0.331264 * g + 0.5 * b + 128),
        clamp(0.5 * r - 0.418688 * g - 0.081312 * b + 128),
        invertedCmyk[3]};
  }

  private static int clamp(double v) {
    return (int) Math.max(0, Math.min(255, Math.round(v)));
  }

  /** The default colour JPEG metadata, turned into 4 components with an Adobe marker saying YCCK. */
  private static IIOMetadata ycckMetadata(ImageWriter writer, ImageWriteParam param) {
    try {
      IIOMetadata metadata = writer.getDefaultImageMetadata(
          ImageTypeSpecifier.createFromBufferedImageType(BufferedImage.TYPE_3BYTE_BGR), param);
      IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree(JPEG_METADATA);
      IIOMetadataNode variety = (IIOMetadataNode) root.getElementsByTagName("JPEGvariety").item(0);
      while (variety.hasChildNodes()) {
        variety.removeChild(variety.getFirstChild());
      }
      IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
      markers.insertBefore(node("app14Adobe", "version", "101", "flags0", "0", "flags1", "0", "transform", "2"),
          markers.getFirstChild());
      IIOMetadataNode sof = (IIOMetadataNode) root.getElementsByTagName("sof").item(0);
      sof.setAttribute("numFrameComponents", "4");
      sof.appendChild(node("componentSpec", "componentId", "4", "HsamplingFactor", "2", "VsamplingFactor", "2",
          "QtableSelector", "0"));
      IIOMetadataNode sos = (IIOMetadataNode) root.getElementsByTagName("sos").item(0);
      sos.setAttribute("numScanComponents", "4");
      sos.appendChild(node("scanComponentSpec", "componentSelector", "4", "dcHuffTable", "0", "acHuffTable", "0"));
      metadata.setFromTree(JPEG_METADATA, root);
      return metadata;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static IIOMetadataNode node(String name, String... attributes) {
    IIOMetadataNode node = new IIOMetadataNode(name);
    for (int i = 0; i < attributes.length; i += 2) {
      node.setAttribute(attributes[i], attributes[i + 1]);
    }
    return node;
  }

  /** The JDK's writer, not a plugin's that ImageIO may rank first. */
  private static ImageWriter jdkJpegWriter() {
    for (Iterator<ImageWriter> it = ImageIO.getImageWritersByFormatName("jpeg"); it.hasNext(); ) {
      ImageWriter writer = it.next();
      if (writer.getClass().getName().startsWith("com.sun.imageio.plugins.jpeg.")) {
        return writer;
      }
    }
    throw new IllegalStateException("the JDK's JPEG writer is not registered");
  }

  private static byte[] write(ImageWriter writer, IIOImage image, ImageWriteParam param) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
      writer.setOutput(out);
      writer.write(null, image, param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return bytes.toByteArray();
  }

  /**
   * The JPEG with an ICC profile inserted right after its SOI, split into APP2 chunks of at most
   * {@code chunkSize} bytes and stored in the given order of chunk numbers (1-based).
   */
  static byte[] withIccProfile(byte[] jpeg, byte[] profile, int chunkSize, int... order) {
    int chunks = (profile.length + chunkSize - 1) / chunkSize;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(jpeg, 0, 2);
    for (int i = 0; i < chunks; i++) {
      int number = order.length == 0 ? i + 1 : order[i];
      int from = (number - 1) * chunkSize;
      int length = Math.min(chunkSize, profile.length - from);
      int segmentLength = 2 + 14 + length;
      out.write(0xff);
      out.write(0xe2);
      out.write(segmentLength >> 8);
      out.write(segmentLength);
      out.writeBytes("ICC_PROFILE".getBytes(StandardCharsets.US_ASCII));
      out.write(0);
      out.write(number);
      out.write(chunks);
      out.write(profile, from, length);
    }
    out.write(jpeg, 2, jpeg.length - 2);
    return out.toByteArray();
  }

  /** A photo scaled to size x size with bicubic interpolation and stored as JPEG quality 90. */
  static byte[] upscaled(byte[] jpeg, int size) {
    try {
      BufferedImage src = ImageIO.read(new ByteArrayInputStream(jpeg));
      BufferedImage out = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
      Graphics2D g = out.createGraphics();
      g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BICUBIC);
      g.drawImage(src, 0, 0, size, size, null);
      g.dispose();
      return jpeg(out, 0.9f, false);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] resource(String name) {
    return read(RESOURCES.resolve(name));
  }

  static List<byte[]> samplePhotos(int limit) {
    return photos(SAMPLE_PHOTOS, limit);
  }

  /** The first {@code limit} JPEGs of the bundled pets sample (photos of about 500x375), in name order. */
  static List<byte[]> samplePets(int limit) {
    return photos(SAMPLE_PETS, limit);
  }

  private static List<byte[]> photos(Path folder, int limit) {
    try (Stream<Path> files = Files.list(folder)) {
      return files.filter(f -> f.toString().endsWith(".jpg")).sorted().limit(limit).map(ImageFixtures::read).toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The header of a JPEG the test expects to be well formed. */
  static JpegHeader header(byte[] jpeg) {
    try {
      return JpegHeader.read(jpeg);
    } catch (DecodeException e) {
      throw new AssertionError(e.getMessage(), e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Pixel (x, y) of an RGB result as {r, g, b}. */
  static int[] pixel(ImageResult result, ImageSpec spec, int x, int y) {
    int i = (y * spec.width() + x) * 3;
    byte[] rgb = result.rgb();
    return new int[] {rgb[i] & 0xff, rgb[i + 1] & 0xff, rgb[i + 2] & 0xff};
  }

  /** Asserts that pixel (x, y) of a result is within {@code tolerance} of (r, g, b) in each channel. */
  static void assertPixel(ImageResult result, ImageSpec spec, int x, int y, int r, int g, int b, int tolerance) {
    int[] actual = pixel(result, spec, x, y);
    String where = "pixel (" + x + ", " + y + ") = (" + actual[0] + ", " + actual[1] + ", " + actual[2] + ")";
    assertThat(actual[0]).as(where + " red").isCloseTo(r, within(tolerance));
    assertThat(actual[1]).as(where + " green").isCloseTo(g, within(tolerance));
    assertThat(actual[2]).as(where + " blue").isCloseTo(b, within(tolerance));
  }

  /** Mean absolute difference of two RGB results, in 0..255 units. */
  static double meanAbsoluteDifference(byte[] a, byte[] b) {
    long sum = 0;
    for (int i = 0; i < a.length; i++) {
      sum += Math.abs((a[i] & 0xff) - (b[i] & 0xff));
    }
    return (double) sum / a.length;
  }
}
