package io.clusternet.core.storage;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.localstorage.FileMode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusternetRootTest {
  @Test
  void theTreeHasTheDeclaredShapeAndModes(@TempDir Path tmp) throws Exception {
    ClusternetRoot root = ClusternetRoot.at(tmp.resolve("state"));
    assertThat(root.privateKeyFile().location())
        .isEqualTo(tmp.resolve("state/data/kubernetes/clusternet/private.key").toString());
    assertThat(root.privateKeyFile().mode()).isEqualTo(FileMode.of(0600));
    assertThat(root.ephemeral.clusternet.location())
        .isEqualTo(tmp.resolve("state/ephemeral/clusternet").toString());

    root.create();
    for (String dir : new String[] {"data", "data/kubernetes", "data/kubernetes/clusternet",
        "ephemeral", "ephemeral/clusternet"}) {
      Path p = tmp.resolve("state").resolve(dir);
      assertThat(Files.isDirectory(p)).as(dir).isTrue();
      assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p)))
          .as(dir).isEqualTo("rwx------");
    }
    assertThat(Files.exists(tmp.resolve("state/data/kubernetes/clusternet/private.key")))
        .isFalse();
  }
}
