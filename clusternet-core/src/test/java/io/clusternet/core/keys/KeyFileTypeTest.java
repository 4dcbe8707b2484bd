package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.StorageException;
import io.clusternet.testing.Commands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A key path that is not a regular file (a FIFO, or a symlink to a character device such as
 * {@code /dev/zero}) is a typed error naming the path, promptly, as a directory there already
 * is ({@code WRONG_TYPE}). Found by the breaker session: loadOrGenerate() read such a path with
 * Files.readAllBytes, so a FIFO blocked the start forever (no writer ever comes) and /dev/zero or
 * /dev/urandom was read until the heap ran out. Each hung past 10 s in 2 of 2 runs (a
 * throw-away probe, then this test); a symlink to /dev/urandom did in 1 of 1.
 */
class KeyFileTypeTest {
  @TempDir Path tmp;


  private Throwable load(ClusternetRoot root) {
    return assertTimeoutPreemptively(Duration.ofSeconds(10),
        () -> catchThrowable(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate()),
        "loadOrGenerate() did not return within 10 s");
  }

  private ClusternetRoot root() throws Exception {
    ClusternetRoot root = ClusternetRoot.at(tmp);
    root.create();
    return root;
  }

  private Path keyPath() {
    return tmp.resolve("data/kubernetes/clusternet/private.key");
  }

  @Test
  void aFifoAtTheKeyPathIsAWrongTypeErrorNotAHang() throws Exception {
    ClusternetRoot root = root();
    Commands.run("mkfifo", "-m", "600", keyPath().toString());
    Throwable t = load(root);
    assertThat(t).isInstanceOf(StorageException.class).hasMessageContaining(keyPath().toString());
    assertThat(((StorageException) t).reason()).isEqualTo(StorageException.Reason.WRONG_TYPE);
    assertThat(Files.isRegularFile(keyPath())).isFalse(); // left as it was, nothing written
  }

  @Test
  void aSymlinkToACharacterDeviceIsAWrongTypeErrorNotAnEndlessRead() throws Exception {
    ClusternetRoot root = root();
    Files.createSymbolicLink(keyPath(), Path.of("/dev/zero"));
    Throwable t = load(root);
    assertThat(t).isInstanceOf(StorageException.class).hasMessageContaining(keyPath().toString());
    assertThat(((StorageException) t).reason()).isEqualTo(StorageException.Reason.WRONG_TYPE);
    assertThat(Files.readSymbolicLink(keyPath())).isEqualTo(Path.of("/dev/zero"));
  }
}
