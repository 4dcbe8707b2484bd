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

/** Jimfs without the POSIX attribute view, like a non-POSIX file system: modes are ignored. */
class NioStorageJimfsNoPosixTest extends StorageContract {
  FileSystem fs;

  @Override
  Storage newStorage() {
    fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
        .setAttributeViews("basic").build());
    return NioStorage.at(fs.getPath("/root"));
  }

  @Override
  boolean hasModes() {
    return false;
  }

  @Override
  List<String> listDir() throws IOException {
    try (Stream<Path> s = Files.list(fs.getPath("/root/dir"))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void modeIsEmptyWithoutAPermissionModel() throws Exception {
    storage.write(FILE, utf8("x"), FileMode.of(0600), WriteMode.REPLACE);
    assertThat(storage.mode(FILE)).isEmpty();
  }

  @AfterEach
  void closeFs() throws IOException {
    fs.close();
  }
}
