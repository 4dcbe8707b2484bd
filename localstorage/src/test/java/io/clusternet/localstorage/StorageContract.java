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

/**
 * The {@link Storage} contract, run against every implementation: NIO on the default file system,
 * NIO on Jimfs, and the in-memory storage.
 */
abstract class StorageContract {
  static final StoragePath DIR = StoragePath.of("dir");
  static final StoragePath FILE = DIR.resolve("file");

  Storage storage;

  abstract Storage newStorage() throws IOException;

  /** Names in {@link #DIR}, for checking that no temporary file is left; null if not listable. */
  abstract List<String> listDir() throws IOException;

  boolean hasModes() {
    return true;
  }

  @BeforeEach
  void setUp() throws Exception {
    storage = newStorage();
    storage.createDirectory(StoragePath.ROOT, FileMode.OWNER_ONLY_DIRECTORY);
    storage.createDirectory(DIR, FileMode.OWNER_ONLY_DIRECTORY);
  }

  static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void absentIsAnEmptyResultNotAnError() throws Exception {
    assertThat(storage.exists(FILE)).isFalse();
    assertThat(storage.read(FILE)).isEmpty();
  }

  @Test
  void writeThenReadReturnsTheContent() throws Exception {
    storage.write(FILE, utf8("one"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.exists(FILE)).isTrue();
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("one")));
    storage.write(FILE, utf8("two, longer"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.read(FILE)).hasValueSatisfying(
        b -> assertThat(b).isEqualTo(utf8("two, longer")));
    storage.write(FILE, new byte[0], FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEmpty());
    assertThat(listDir()).containsExactly("file");
  }

  @Test
  void largeContentIsWrittenWhole() throws Exception {
    byte[] big = new byte[3 * 1024 * 1024 + 17];
    new java.util.Random(7).nextBytes(big);
    storage.write(FILE, big, FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(big));
  }

  @Test
  void theModeIsExactOnCreateAndOnReplaceWhateverTheUmask() throws Exception {
    if (!hasModes()) return;
    // 0666 would lose its group/other write bits to a typical umask of 022.
    storage.write(FILE, utf8("a"), FileMode.of(0666), WriteMode.REPLACE);
    assertThat(storage.mode(FILE)).contains(FileMode.of(0666));
    storage.write(FILE, utf8("b"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.mode(FILE)).contains(FileMode.of(0600));
    storage.setMode(FILE, FileMode.of(0644));
    storage.write(FILE, utf8("c"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.mode(FILE)).contains(FileMode.of(0600));
  }

  @Test
  void directoriesGetTheirModeAndDoNotNeedToBeEmpty() throws Exception {
    StoragePath sub = DIR.resolve("sub");
    storage.createDirectory(sub, FileMode.of(0750));
    if (hasModes()) assertThat(storage.mode(sub)).contains(FileMode.of(0750));
    storage.write(sub.resolve("f"), utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
    storage.createDirectory(sub, FileMode.of(0700)); // existing, not empty: fine
    if (hasModes()) assertThat(storage.mode(sub)).contains(FileMode.of(0700));
  }

  @Test
  void createNewNeverReplaces() throws Exception {
    storage.write(FILE, utf8("first"), FileMode.of(0600), WriteMode.CREATE_NEW);
    assertThatThrownBy(
            () -> storage.write(FILE, utf8("second"), FileMode.of(0600), WriteMode.CREATE_NEW))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS);
          assertThat(e.location()).isEqualTo(storage.location(FILE));
        });
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("first")));
    assertThat(listDir()).containsExactly("file");
  }

  @Test
  void concurrentCreateNewHasExactlyOneWinner() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        byte[] content = utf8("writer " + i);
        results.add(pool.submit(() -> {
          try {
            storage.write(FILE, content, FileMode.of(0600), WriteMode.CREATE_NEW);
            return true;
          } catch (StorageException e) {
            assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS);
            return false;
          }
        }));
      }
      int winners = 0;
      for (Future<Boolean> f : results) {
        if (f.get()) winners++;
      }
      assertThat(winners).isEqualTo(1);
      assertThat(listDir()).containsExactly("file");
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void writingBelowAMissingDirectoryIsNotFoundAndCreatesNothing() throws Exception {
    StoragePath deep = DIR.resolve("missing").resolve("file");
    assertThatThrownBy(() -> storage.write(deep, utf8("x"), FileMode.of(0600), WriteMode.REPLACE))
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND);
          assertThat(e.location()).isEqualTo(storage.location(deep));
          assertThat(e.getMessage()).contains(storage.location(deep));
        });
    assertThat(storage.exists(DIR.resolve("missing"))).isFalse();
  }

  @Test
  void aFileWhereADirectoryShouldBeIsWrongType() throws Exception {
    storage.write(FILE, utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
    assertThatThrownBy(() -> storage.createDirectory(FILE, FileMode.of(0700)))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.WRONG_TYPE));
    assertThatThrownBy(() -> storage.write(FILE.resolve("below"), utf8("y"), FileMode.of(0600),
            WriteMode.REPLACE))
        .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.reason())
            .isIn(Reason.WRONG_TYPE, Reason.NOT_FOUND));
    assertThat(storage.read(FILE)).hasValueSatisfying(b -> assertThat(b).isEqualTo(utf8("x")));
  }

  @Test
  void modeOfSomethingAbsentIsNotFound() {
    assertThatThrownBy(() -> storage.mode(FILE))
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void deleteRemovesAFileAndSaysWhetherItDid() throws Exception {
    storage.write(FILE, utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.delete(FILE)).isTrue();
    assertThat(storage.delete(FILE)).isFalse();
    assertThat(storage.exists(FILE)).isFalse();
  }

}
