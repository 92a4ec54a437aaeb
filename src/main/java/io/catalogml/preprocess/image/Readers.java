package io.catalogml.preprocess.image;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.List;
import javax.imageio.ImageReader;
import javax.imageio.spi.IIORegistry;
import javax.imageio.spi.ImageReaderSpi;
import javax.imageio.spi.ServiceRegistry;

/**
 * Creates image readers from their providers directly, never through ImageIO's plugin scan: on a Spark
 * executor the context class loader may not see plugins, and a registered plugin would change which
 * reader {@code ImageIO.read} picks. The JDK's own JPEG and PNG providers are always registered.
 */
final class Readers {
  private static final ImageReaderSpi JDK_JPEG = jdkProvider("com.sun.imageio.plugins.jpeg.JPEGImageReaderSpi");
  private static final ImageReaderSpi JDK_PNG = jdkProvider("com.sun.imageio.plugins.png.PNGImageReaderSpi");
  private static final ImageReaderSpi CMYK_JPEG = twelveMonkeysJpeg(JDK_JPEG);

  private Readers() {}

  /** The JDK's reader for grey and colour JPEGs; TwelveMonkeys' for 4 components (CMYK, YCCK), which the JDK's rejects. */
  static ImageReader jpeg(int components) {
    return create(components == 4 ? CMYK_JPEG : JDK_JPEG);
  }

  static ImageReader png() {
    return create(JDK_PNG);
  }

  private static ImageReader create(ImageReaderSpi provider) {
    try {
      return provider.createReaderInstance();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create an image reader from " + provider.getClass().getName(), e);
    }
  }

  private static ImageReaderSpi jdkProvider(String className) {
    Iterator<ImageReaderSpi> providers = IIORegistry.getDefaultInstance().getServiceProviders(ImageReaderSpi.class, false);
    while (providers.hasNext()) {
      ImageReaderSpi provider = providers.next();
      if (provider.getClass().getName().equals(className)) {
        return provider;
      }
    }
    throw new IllegalStateException("the JDK's image reader " + className + " is not registered in ImageIO");
  }

  /** TwelveMonkeys' provider finds the JDK reader it delegates to when registered next to it; a private registry keeps ImageIO's untouched. */
  private static ImageReaderSpi twelveMonkeysJpeg(ImageReaderSpi jdkJpeg) {
    ServiceRegistry registry = new ServiceRegistry(List.<Class<?>>of(ImageReaderSpi.class).iterator());
    registry.registerServiceProvider(jdkJpeg, ImageReaderSpi.class);
    ImageReaderSpi provider = new com.twelvemonkeys.imageio.plugins.jpeg.JPEGImageReaderSpi();
    registry.registerServiceProvider(provider, ImageReaderSpi.class);
    if (!registry.contains(provider)) {
      throw new IllegalStateException("TwelveMonkeys' JPEG reader did not find the JDK's JPEG reader to delegate to");
    }
    return provider;
  }
}
