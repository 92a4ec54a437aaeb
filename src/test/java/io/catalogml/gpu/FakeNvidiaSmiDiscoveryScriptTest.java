package io.catalogml.gpu;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.catalogml.core.Json;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * jobs/gpu/getGpusResources.sh, Spark's GPU discovery script. No GPU exists on the development
 * machine, so a GPU host is imitated by a FAKE nvidia-smi on PATH that prints what the real one
 * prints for {@code --query-gpu=index --format=csv,noheader}; the missing-nvidia-smi case is real.
 */
class FakeNvidiaSmiDiscoveryScriptTest {
  static final Path SCRIPT = Path.of("jobs/gpu/getGpusResources.sh").toAbsolutePath();

  @TempDir
  Path bin;

  record Run(int exit, String stdout, String stderr) {}

  @Test
  void printsSparkResourceJsonForTheGpusTheFakeNvidiaSmiLists() throws Exception {
    fakeNvidiaSmi("printf '0\\n1\\n'");
    Run r = run();
    assertThat(r.exit()).as(r.stderr()).isZero();
    JsonNode json = Json.mapper().readTree(r.stdout());
    assertThat(json.get("name").asText()).isEqualTo("gpu");
    assertThat(json.get("addresses").isArray()).isTrue();
    assertThat(json.get("addresses")).extracting(JsonNode::asText).containsExactly("0", "1");
    assertThat(json.get("addresses").get(0).isTextual()).as("addresses are strings").isTrue();
    assertThat(r.stdout().strip().lines()).hasSize(1);
  }

  @Test
  void oneFakeGpu() throws Exception {
    fakeNvidiaSmi("echo 0");
    Run r = run();
    assertThat(r.exit()).isZero();
    assertThat(r.stdout().strip()).isEqualTo("{\"name\": \"gpu\", \"addresses\": [\"0\"]}");
  }

  @Test
  void failsWithAClearMessageWhenNvidiaSmiIsMissing() throws Exception {
    Run r = run(); // PATH holds only an empty folder: no nvidia-smi, for real
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("nvidia-smi not found");
  }

  @Test
  void failsWhenTheFakeNvidiaSmiCannotReachTheDriver() throws Exception {
    fakeNvidiaSmi("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
    Run r = run();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("failed").contains("could not communicate with the NVIDIA driver");
  }

  @Test
  void failsWhenTheFakeNvidiaSmiListsNoGpu() throws Exception {
    fakeNvidiaSmi("exit 0");
    Run r = run();
    assertThat(r.exit()).isEqualTo(1);
    assertThat(r.stdout()).isEmpty();
    assertThat(r.stderr()).contains("no GPU");
  }

  /** A fake nvidia-smi that answers only the query the script makes. */
  void fakeNvidiaSmi(String body) throws IOException {
    Path smi = bin.resolve("nvidia-smi");
    Files.writeString(smi, "#!/bin/sh\n"
        + "[ \"$*\" = \"--query-gpu=index --format=csv,noheader\" ] || { echo \"fake nvidia-smi: unexpected args: $*\" >&2; exit 64; }\n"
        + body + "\n");
    Files.setPosixFilePermissions(smi, PosixFilePermissions.fromString("rwxr-xr-x"));
  }

  /** Runs the script with bash, with PATH = the temporary bin folder only. */
  Run run() throws IOException, InterruptedException {
    String bash = Files.isExecutable(Path.of("/bin/bash")) ? "/bin/bash" : "/usr/bin/bash";
    ProcessBuilder pb = new ProcessBuilder(List.of(bash, SCRIPT.toString()));
    pb.environment().put("PATH", bin.toString());
    Path out = bin.resolveSibling(bin.getFileName() + ".out");
    Path err = bin.resolveSibling(bin.getFileName() + ".err");
    pb.redirectOutput(out.toFile()).redirectError(err.toFile());
    Process p = pb.start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    try {
      return new Run(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
          Files.readString(err, StandardCharsets.UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
