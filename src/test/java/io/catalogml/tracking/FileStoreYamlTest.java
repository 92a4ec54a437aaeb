package io.catalogml.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** meta.yaml values keep their YAML type through a read, a change and a write, as MLflow's readers need. */
class FileStoreYamlTest {
  @TempDir
  Path tmp;

  @Test
  void numbersStayNumbersAndQuotedNumbersStayStrings() throws Exception {
    Path file = tmp.resolve("meta.yaml");
    // a registered model as MLflow 3.17.2's file store writes it
    Files.writeString(file, """
        aliases:
          champion: '1'
        creation_timestamp: 1796403291387
        deployment_job_id: null
        description: d
        experiment_id: '0'
        last_updated_timestamp: 1796403295910
        name: mm
        ratio: 0.5
        """);
    Map<String, Object> meta = FileStoreYaml.read(file);
    assertThat(meta).containsEntry("creation_timestamp", 1796403291387L).containsEntry("description", "d")
        .containsEntry("experiment_id", "0").containsEntry("ratio", 0.5).containsEntry("deployment_job_id", null)
        .containsEntry("aliases", Map.of("champion", "1"));

    meta.put("last_updated_timestamp", 1796403299999L);
    FileStoreYaml.write(file, meta);
    assertThat(file).content().contains("creation_timestamp: 1796403291387\n", "last_updated_timestamp: 1796403299999\n",
        "experiment_id: '0'\n", "  champion: '1'\n", "description: 'd'\n", "deployment_job_id: null\n", "ratio: 0.5\n");
    assertThat(FileStoreYaml.read(file)).isEqualTo(meta);
  }
}
