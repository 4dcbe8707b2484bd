package io.clusternet.localstorage;

import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.Commands;
import io.clusternet.testing.Prerequisites;

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
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Environment failures give a typed {@link StorageException} naming the path, and the old
 * content survives: a full disk (Jimfs with a size limit, and a real tmpfs), a read-only file
 * system (a real tmpfs remounted read-only) and a permission error (a real process without
 * CAP_DAC_OVERRIDE).
 */
class StorageFailureTest {
  static final StoragePath DIR = StoragePath.of("dir");
  static final StoragePath FILE = DIR.resolve("file");
  static final byte[] OLD = "old content".getBytes(StandardCharsets.UTF_8);

  private static List<String> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  /** Fills the file system that holds {@code dir} until a write fails for lack of space. */
  private static void fill(Path dir) throws IOException {
    Path filler = dir.resolve("filler");
    byte[] chunk = new byte[4096];
    try (var out = Files.newOutputStream(filler, StandardOpenOption.CREATE_NEW)) {
      while (true) {
        out.write(chunk);
        out.flush();
      }
    } catch (IOException full) {
      // expected: the device is full now
    }
  }

  private static void assertNoSpaceAndOldContentIntact(Storage storage, Path dir)
      throws Exception {
    byte[] bigger = new byte[256 * 1024];
    assertThatThrownBy(() -> storage.write(FILE, bigger, FileMode.of(0600), WriteMode.REPLACE))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NO_SPACE);
          assertThat(e.location()).isEqualTo(storage.location(FILE));
          assertThat(e.getMessage()).contains(storage.location(FILE)).contains("no space left");
        });
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(OLD));
    assertThat(list(dir)).containsExactly("file", "filler");
  }

  @Test
  void fullJimfsIsNoSpaceAndKeepsTheOldContent() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
        .setAttributeViews("basic", "posix").setBlockSize(4096).setMaxSize(64 * 1024).build())) {
      NioStorage storage = NioStorage.at(fs.getPath("/root"));
      storage.createDirectory(StoragePath.ROOT, FileMode.of(0700));
      storage.createDirectory(DIR, FileMode.of(0700));
      storage.write(FILE, OLD, FileMode.of(0600), WriteMode.REPLACE);
      fill(fs.getPath("/root/dir"));
      assertNoSpaceAndOldContentIntact(storage, fs.getPath("/root/dir"));
    }
  }

  @Test
  void fullInMemoryStorageIsNoSpaceAndKeepsTheOldContent() throws Exception {
    InMemoryStorage storage = InMemoryStorage.withCapacity(100);
    storage.createDirectory(DIR, FileMode.of(0700));
    storage.write(FILE, OLD, FileMode.of(0600), WriteMode.REPLACE);
    assertThatThrownBy(() -> storage.write(FILE, new byte[95], FileMode.of(0600),
            WriteMode.REPLACE))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NO_SPACE));
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(OLD));
  }

  /** A small tmpfs mounted for one test, unmounted afterwards whatever happens. */
  private static final class Tmpfs implements AutoCloseable {
    final Path mountPoint;

    Tmpfs(Path mountPoint, String size) throws Exception {
      this.mountPoint = mountPoint;
      Files.createDirectories(mountPoint);
      Commands.run("mount", "-t", "tmpfs", "-o", "size=" + size + ",mode=0700", "tmpfs",
          mountPoint.toString());
    }

    void remountReadOnly() throws Exception {
      Commands.run("mount", "-o", "remount,ro", mountPoint.toString());
    }

    @Override
    public void close() throws Exception {
      try {
        Commands.run("umount", mountPoint.toString());
      } catch (IOException busy) {
        Commands.run("umount", "-l", mountPoint.toString());
      }
    }
  }

  @Test
  void fullTmpfsIsNoSpaceAndKeepsTheOldContent(@TempDir Path tmp) throws Exception {
    Prerequisites.requireRoot("mounting a small tmpfs");
    try (Tmpfs fs = new Tmpfs(tmp.resolve("mnt"), "128k")) {
      NioStorage storage = NioStorage.at(fs.mountPoint);
      storage.createDirectory(DIR, FileMode.of(0700));
      storage.write(FILE, OLD, FileMode.of(0600), WriteMode.REPLACE);
      fill(fs.mountPoint.resolve("dir"));
      assertNoSpaceAndOldContentIntact(storage, fs.mountPoint.resolve("dir"));
    }
  }

  @Test
  void readOnlyFileSystemIsReadOnlyAndKeepsTheOldContent(@TempDir Path tmp) throws Exception {
    Prerequisites.requireRoot("mounting and remounting a tmpfs read-only");
    try (Tmpfs fs = new Tmpfs(tmp.resolve("mnt"), "1m")) {
      NioStorage storage = NioStorage.at(fs.mountPoint);
      storage.createDirectory(DIR, FileMode.of(0700));
      storage.write(FILE, OLD, FileMode.of(0600), WriteMode.REPLACE);
      fs.remountReadOnly();
      assertThatThrownBy(() -> storage.write(FILE, "new".getBytes(StandardCharsets.UTF_8),
              FileMode.of(0600), WriteMode.REPLACE))
          .isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.READ_ONLY);
            assertThat(e.location()).isEqualTo(storage.location(FILE));
            assertThat(e.getMessage()).contains(storage.location(FILE));
          });
      assertThatThrownBy(() -> storage.createDirectory(DIR.resolve("sub"), FileMode.of(0700)))
          .isInstanceOfSatisfying(StorageException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.READ_ONLY));
      assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(OLD));
      assertThat(list(fs.mountPoint.resolve("dir"))).containsExactly("file");
    }
  }

  /**
   * Runs {@link StorageProbe} in a process that cannot override file permissions: as root, a
   * child whose capability bounding set lacks CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH and
   * CAP_FOWNER (so root is held to the owner bits); as any other user, a plain child.
   */
  private static String probe(Path root, String op, String... names) throws Exception {
    List<String> prefix = Prerequisites.isRoot()
        ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")
        : List.of();
    String[] args = new String[names.length + 2];
    args[0] = root.toString();
    args[1] = op;
    System.arraycopy(names, 0, args, 2, names.length);
    Process p = ChildJvm.start(prefix, StorageProbe.class, args);
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as("probe output: %s", out).isZero();
    return out;
  }

  @Test
  void permissionDeniedIsATypedErrorAndKeepsTheOldContent(@TempDir Path tmp) throws Exception {
    Prerequisites.require(Prerequisites.isRoot() ? Prerequisites.onPath("setpriv") : true,
        "setpriv (util-linux), to drop CAP_DAC_OVERRIDE as root");
    NioStorage storage = NioStorage.at(tmp);
    storage.createDirectory(DIR, FileMode.of(0700));
    storage.write(FILE, OLD, FileMode.of(0600), WriteMode.REPLACE);
    Path dir = tmp.resolve("dir");
    try {
      Files.setPosixFilePermissions(dir, FileMode.of(0500).toPosix()); // r-x: no new names
      String write = probe(tmp, "write", "dir", "file");
      assertThat(write).startsWith("ERR PERMISSION_DENIED " + dir.resolve("file"));
      assertThat(write).contains("MSG writing " + dir.resolve("file") + ": permission denied");

      Files.setPosixFilePermissions(dir, FileMode.of(0700).toPosix());
      storage.setMode(FILE, FileMode.of(0000));
      String read = probe(tmp, "read", "dir", "file");
      assertThat(read).startsWith("ERR PERMISSION_DENIED " + dir.resolve("file"));
    } finally {
      Files.setPosixFilePermissions(dir, FileMode.of(0700).toPosix());
    }
    storage.setMode(FILE, FileMode.of(0600));
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(OLD));
    assertThat(list(dir)).containsExactly("file");
  }
}
