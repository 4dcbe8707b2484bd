package io.clusternet.localstorage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.clusternet.localstorage.Storage.WriteMode;
import io.clusternet.localstorage.StorageException.Reason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** NIO on the default file system (a real directory, real fsync). */
class NioStorageDefaultFsTest extends StorageContract {
  @TempDir Path tmp;

  @Override
  Storage newStorage() {
    return NioStorage.at(tmp.resolve("root"));
  }

  @Override
  List<String> listDir() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("root/dir"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aStaleTemporaryFileFromACrashIsRemovedByTheNextWrite() throws Exception {
    Path dir = tmp.resolve("root/dir");
    Path stale = dir.resolve(".file.0123456789abcdef.clusternet-tmp");
    Files.writeString(stale, "half-written by a process that was killed");
    Path unrelated = dir.resolve(".file.not-ours.tmp");
    Files.writeString(unrelated, "someone else's");
    storage.write(FILE, utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(listDir()).containsExactly(".file.not-ours.tmp", "file");
  }

  /**
   * A temporary file whose writer is alive (another process holding its lock) is left to its
   * writer (issue 11 bug 5: a racing first start deleted the other's temporary file).
   */
  @Test
  void aTemporaryFileLockedByALiveWriterIsLeftAlone() throws Exception {
    Path dir = tmp.resolve("root/dir");
    Path inFlight = dir.resolve(".file.0123456789abcdef.clusternet-tmp");
    Files.writeString(inFlight, "another process is writing this right now");
    // The other writer: a child process holding an exclusive lock on its temporary file.
    Process holder = io.clusternet.testing.ChildJvm.start(java.util.List.of(), LockHolder.class,
        inFlight.toString());
    try (java.io.BufferedReader out = new java.io.BufferedReader(
        new java.io.InputStreamReader(holder.getInputStream()))) {
      assertThat(out.readLine()).isEqualTo("locked");
      storage.write(FILE, utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
      assertThat(listDir()).containsExactly(".file.0123456789abcdef.clusternet-tmp", "file");
    } finally {
      holder.toHandle().destroyForcibly();
      holder.waitFor();
    }
    storage.write(FILE, utf8("y"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(listDir()).as("removed once its writer is gone").containsExactly("file");
  }

  @Test
  void theLocationIsTheAbsoluteFileName() {
    assertThat(storage.location(FILE)).isEqualTo(tmp.resolve("root/dir/file").toString());
  }
}
