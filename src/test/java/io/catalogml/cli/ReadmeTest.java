package io.catalogml.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** Keeps the README's configuration reference true to the code. */
class ReadmeTest {
  @Test
  void readmeHasTheCurrentConfigurationReference() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    assertThat(readme)
        .as("README configuration table; regenerate with `jobs/catalog-ml config --reference`")
        .contains(ConfigCommand.referenceTable());
  }

  @Test
  void readmeTestCommandIsWhatCiRuns() throws Exception {
    assertThat(Files.readString(Path.of("README.md"))).contains("\njobs/test.sh\n");
    assertThat(Files.readString(Path.of(".ci/run"))).contains("exec jobs/test.sh");
  }
}
