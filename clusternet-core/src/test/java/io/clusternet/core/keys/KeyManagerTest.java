package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.jimfs.Configuration;
import com.google.common.jimfs.Jimfs;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.FileMode;
import io.clusternet.localstorage.InMemoryStorage;
import io.clusternet.localstorage.StorageException;
import io.clusternet.localstorage.StorageException.Reason;
import io.clusternet.localstorage.TypedFile;
import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.Prerequisites;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KeyManagerTest {
  @TempDir Path tmp;

  private ClusternetRoot root() throws StorageException {
    ClusternetRoot root = ClusternetRoot.at(tmp);
    root.create();
    return root;
  }

  private Path keyPath() {
    return tmp.resolve("data/kubernetes/clusternet/private.key");
  }

  @Test
  void generatesOncePersistsWithMode0600AndLoadsTheSameKeyAfterARestart() throws Exception {
    NodeKey first = KeyManager.of(root().privateKeyFile()).loadOrGenerate();
    assertThat(first.generated()).isTrue();
    assertThat(Files.readString(keyPath())).isEqualTo(first.privateKey().toBase64() + "\n");
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(keyPath())))
        .isEqualTo(FileMode.of(0600));
    assertThat(first.publicKey()).isEqualTo(X25519.publicKey(first.privateKey()));

    // A "restart": a new tree and a new manager over the same directory.
    NodeKey second = KeyManager.of(root().privateKeyFile()).loadOrGenerate();
    assertThat(second.generated()).isFalse();
    assertThat(second.privateKey()).isEqualTo(first.privateKey());
    assertThat(second.publicKey()).isEqualTo(first.publicKey());
    try (Stream<Path> s = Files.list(keyPath().getParent())) {
      assertThat(s.map(p -> p.getFileName().toString())).containsExactly("private.key");
    }
  }

  @Test
  void worksOnJimfsAndInMemoryStorageToo() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
        .setAttributeViews("basic", "posix").build())) {
      ClusternetRoot onJimfs = ClusternetRoot.at(fs.getPath("/var/lib/clusternet"));
      onJimfs.create();
      NodeKey a = KeyManager.of(onJimfs.privateKeyFile()).loadOrGenerate();
      assertThat(KeyManager.of(onJimfs.privateKeyFile()).loadOrGenerate().privateKey())
          .isEqualTo(a.privateKey());
      assertThat(onJimfs.privateKeyFile().currentMode()).contains(FileMode.of(0600));
    }
    ClusternetRoot inMemory = ClusternetRoot.on(InMemoryStorage.create());
    inMemory.create();
    NodeKey b = KeyManager.of(inMemory.privateKeyFile()).loadOrGenerate();
    assertThat(KeyManager.of(inMemory.privateKeyFile()).loadOrGenerate().privateKey())
        .isEqualTo(b.privateKey());
  }

  @Test
  void aKeyWrittenByWgGenkeyFormatIsLoaded() throws Exception {
    ClusternetRoot root = root();
    Files.writeString(keyPath(), "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\n");
    Files.setPosixFilePermissions(keyPath(), FileMode.of(0600).toPosix());
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    assertThat(key.generated()).isFalse();
    assertThat(key.publicKey().toBase64()).isEqualTo("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");
  }

  @Test
  void aCorruptKeyFileIsATypedErrorAndIsNeverOverwritten() throws Exception {
    ClusternetRoot root = root();
    for (byte[] corrupt : List.of(new byte[0], new byte[512],
        "not a key\n".getBytes(StandardCharsets.UTF_8),
        "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJB".getBytes(StandardCharsets.UTF_8))) {
      Files.write(keyPath(), corrupt);
      Files.setPosixFilePermissions(keyPath(), FileMode.of(0600).toPosix());
      var before = Files.getLastModifiedTime(keyPath());
      assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
          .isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.MALFORMED_CONTENT);
            assertThat(e.location()).isEqualTo(keyPath().toString());
            assertThat(e.getMessage()).contains(keyPath().toString()).contains("left untouched")
                .contains("regenerate");
          });
      assertThat(Files.readAllBytes(keyPath())).isEqualTo(corrupt);
      assertThat(Files.getLastModifiedTime(keyPath())).isEqualTo(before);
    }
  }

  @Test
  void regenerateIsTheExplicitWayToReplaceACorruptKey() throws Exception {
    ClusternetRoot root = root();
    Files.writeString(keyPath(), "garbage");
    NodeKey fresh = KeyManager.of(root.privateKeyFile()).regenerate();
    assertThat(fresh.generated()).isTrue();
    assertThat(KeyManager.of(root.privateKeyFile()).loadOrGenerate().privateKey())
        .isEqualTo(fresh.privateKey());
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(keyPath())))
        .isEqualTo(FileMode.of(0600));
  }

  @Test
  void looseModeIsRepairedByDefault() throws Exception {
    ClusternetRoot root = root();
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    Files.setPosixFilePermissions(keyPath(), FileMode.of(0644).toPosix());
    NodeKey again = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    assertThat(again.privateKey()).isEqualTo(key.privateKey());
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(keyPath())))
        .isEqualTo(FileMode.of(0600));
  }

  @Test
  void looseModeIsRefusedWhenTheHostAsksAndTheFileIsLeftAlone() throws Exception {
    ClusternetRoot root = root();
    KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    byte[] content = Files.readAllBytes(keyPath());
    Files.setPosixFilePermissions(keyPath(), FileMode.of(0640).toPosix());
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile())
            .withLoosePermissions(KeyManager.LoosePermissions.REFUSE).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INSECURE_PERMISSIONS);
          assertThat(e.getMessage()).contains(keyPath().toString()).contains("0640");
        });
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(keyPath())))
        .isEqualTo(FileMode.of(0640));
    assertThat(Files.readAllBytes(keyPath())).isEqualTo(content);
  }

  @Test
  void anUnreadableKeyFileIsPermissionDeniedAndUntouched() throws Exception {
    Prerequisites.require(!Prerequisites.isRoot() || Prerequisites.onPath("setpriv"),
        "setpriv (util-linux), to drop CAP_DAC_OVERRIDE as root");
    ClusternetRoot root = root();
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    byte[] content = Files.readAllBytes(keyPath());
    Files.setPosixFilePermissions(keyPath(), FileMode.of(0000).toPosix());
    try {
      List<String> prefix = Prerequisites.isRoot()
          ? List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--")
          : List.of();
      Process p = ChildJvm.start(prefix, KeyProbe.class, tmp.toString());
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor()).isZero();
      assertThat(out).startsWith("ERR PERMISSION_DENIED " + keyPath());
      assertThat(out).doesNotContain(key.privateKey().toBase64());
    } finally {
      Files.setPosixFilePermissions(keyPath(), FileMode.of(0600).toPosix());
    }
    assertThat(Files.readAllBytes(keyPath())).isEqualTo(content);
  }

  @Test
  void aFullDiskAtFirstStartIsATypedErrorAndLeavesNoKeyFile() throws Exception {
    InMemoryStorage storage = InMemoryStorage.withCapacity(10);
    ClusternetRoot root = ClusternetRoot.on(storage);
    root.create();
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NO_SPACE);
          assertThat(e.location()).isEqualTo("mem:/data/kubernetes/clusternet/private.key");
        });
    assertThat(root.privateKeyFile().exists()).isFalse();
  }

  @Test
  void aFullJimfsAtFirstStartIsATypedErrorAndLeavesNoKeyFile() throws Exception {
    try (FileSystem fs = Jimfs.newFileSystem(Configuration.unix().toBuilder()
        .setAttributeViews("basic", "posix").setBlockSize(4096).setMaxSize(8192).build())) {
      ClusternetRoot root = ClusternetRoot.at(fs.getPath("/state"));
      root.create();
      Files.write(fs.getPath("/state/filler"), new byte[8192]);
      assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
          .isInstanceOfSatisfying(StorageException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.NO_SPACE));
      try (Stream<Path> s = Files.list(fs.getPath("/state/data/kubernetes/clusternet"))) {
        assertThat(s).isEmpty();
      }
    }
  }

  @Test
  void aMissingKeyDirectoryIsNotFoundNotAnAccidentalMkdir() throws Exception {
    ClusternetRoot root = ClusternetRoot.at(tmp); // not created
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
  }

  @Test
  void concurrentFirstStartsAgreeOnOneKey() throws Exception {
    ClusternetRoot root = root();
    TypedFile<PrivateKey> file = root.privateKeyFile();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<NodeKey>> results = new ArrayList<>();
      for (int i = 0; i < 16; i++) {
        results.add(pool.submit((Callable<NodeKey>) () -> KeyManager.of(file).loadOrGenerate()));
      }
      Set<PrivateKey> keys = new HashSet<>();
      int generated = 0;
      for (Future<NodeKey> f : results) {
        keys.add(f.get().privateKey());
        if (f.get().generated()) generated++;
      }
      assertThat(keys).hasSize(1);
      assertThat(generated).isEqualTo(1);
      assertThat(KeyManager.of(file).loadOrGenerate().privateKey()).isIn(keys);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void thePrivateKeyAppearsInNoStringForm() throws Exception {
    NodeKey key = KeyManager.of(root().privateKeyFile()).loadOrGenerate();
    String secret = key.privateKey().toBase64();
    assertThat(key.toString()).doesNotContain(secret).contains(key.publicKey().toBase64());
    assertThat(key.privateKey().toString()).doesNotContain(secret);
    assertThat(root().privateKeyFile().toString()).doesNotContain(secret);
  }

  @Test
  void aReadOnlyStorageAtFirstStartIsATypedError() throws Exception {
    InMemoryStorage storage = InMemoryStorage.create();
    ClusternetRoot root = ClusternetRoot.on(storage);
    root.create();
    storage.setReadOnly(true);
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.READ_ONLY));
    assertThat(storage.exists(root.privateKeyFile().path())).isFalse();
    // It does not matter to a key that already exists.
    storage.setReadOnly(false);
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    storage.setReadOnly(true);
    assertThat(KeyManager.of(root.privateKeyFile()).loadOrGenerate().privateKey())
        .isEqualTo(key.privateKey());
    assertThat(storage.mode(root.privateKeyFile().path())).contains(FileMode.of(0600));
  }
}
