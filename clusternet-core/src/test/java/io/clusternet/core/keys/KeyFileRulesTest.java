package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.crypto.KeyGenerators;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.localstorage.FileMode;
import io.clusternet.localstorage.InMemoryStorage;
import io.clusternet.localstorage.StorageException;
import io.clusternet.localstorage.StorageException.Reason;
import io.clusternet.testing.Commands;
import io.clusternet.props.Gens;
import io.clusternet.props.Props;
import io.clusternet.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The key-file rules of issue 13 (items 6-8) on real files: an unclamped key is clamped at load;
 * a key on a read-only mount (a Kubernetes Secret) loads with a warning; ownership and write
 * permission are checked as ssh's StrictModes does. Needs root (chown, mount).
 */
class KeyFileRulesTest {
  static final int OTHER_UID = 4242;

  @TempDir Path tmp;

  ClusternetRoot root() throws StorageException {
    ClusternetRoot root = ClusternetRoot.at(tmp);
    root.create();
    return root;
  }

  Path keyPath() {
    return tmp.resolve("data/kubernetes/clusternet/private.key");
  }

  /** 32 bytes as {@code openssl rand -base64 32} makes them: low bits set, top bits wrong. */
  static byte[] unclampedBytes() {
    byte[] k = new byte[32];
    new Random(13).nextBytes(k);
    k[0] |= 7;
    k[31] = (byte) ((k[31] | 0x80) & ~0x40);
    return k;
  }

  static void writeKey(Path file, String base64, int mode) throws Exception {
    Files.writeString(file, base64 + "\n");
    Files.setPosixFilePermissions(file, FileMode.of(mode).toPosix());
  }

  @Test
  void anUnclampedKeyIsClampedAtLoadAsWireGuardDoesAndTheFileIsLeftAlone() throws Exception {
    ClusternetRoot root = root();
    byte[] raw = unclampedBytes();
    String text = Base64.getEncoder().encodeToString(raw);
    writeKey(keyPath(), text, 0600);
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    byte[] clamped = raw.clone();
    X25519.clamp(clamped);
    assertThat(key.privateKey()).isEqualTo(PrivateKey.fromBytes(clamped));
    assertThat(key.privateKey()).isNotEqualTo(PrivateKey.fromBase64(text));
    assertThat(key.publicKey()).isEqualTo(X25519.publicKey(PrivateKey.fromBase64(text)));
    assertThat(key.generated()).isFalse();
    assertThat(Files.readString(keyPath())).isEqualTo(text + "\n");
    if (Prerequisites.onPath("wg")) { // the same public key as wg derives from the file
      Commands.Result r = Commands.result("sh", "-c", "wg pubkey < " + keyPath());
      assertThat(r.output().strip()).isEqualTo(key.publicKey().toBase64());
    }
  }

  /**
   * Whatever 32 bytes the key file holds (any, and unclamped ones in particular), the loaded key
   * is their clamped form with the same public key, loading again gives the same, and the file
   * keeps its bytes.
   */
  @Test
  void anyKeyFileLoadsAsItsClampedFormAndStaysAsItIs() {
    Props.check(300, Gens.anyOf(KeyGenerators.keyBytes(), KeyGenerators.unclampedKeyBytes()),
        raw -> {
          if (java.util.Arrays.equals(raw, new byte[32])) {
            return; // the all-zero key is no key, a corrupt file (PrivateKeyCodecTest)
          }
          PrivateKey asWritten = PrivateKey.fromBytes(raw);
          ClusternetRoot root = ClusternetRoot.on(InMemoryStorage.create());
          root.create();
          root.privateKeyFile().write(asWritten);
          NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
          byte[] clamped = raw.clone();
          X25519.clamp(clamped);
          assertThat(key.privateKey().toBytes()).isEqualTo(clamped);
          assertThat(key.publicKey()).isEqualTo(X25519.publicKey(asWritten));
          assertThat(KeyManager.of(root.privateKeyFile()).loadOrGenerate().privateKey())
              .isEqualTo(key.privateKey());
          assertThat(root.privateKeyFile().read()).contains(asWritten);
        });
  }

  /** Issue 13 item 7: a Secret mounted read-only at the key's directory, key mode 0400. */
  @Test
  void aKeyOnAReadOnlyMountLoadsWithAWarningThatTheModeCouldNotBeTightened() throws Exception {
    Prerequisites.requireRoot("mount");
    root();
    String text = X25519.generatePrivateKey().toBase64();
    Path dir = keyPath().getParent();
    Commands.run("mount", "-t", "tmpfs", "-o", "size=64k,mode=1777", "tmpfs", dir.toString());
    try {
      writeKey(keyPath(), text, 0400);
      Commands.run("mount", "-o", "remount,ro", dir.toString());
      ClusternetRoot again = ClusternetRoot.at(tmp);
      again.create(); // used to fail: "creating directory ...: read-only file system"
      NodeKey key = KeyManager.of(again.privateKeyFile()).loadOrGenerate();
      assertThat(key.privateKey().toBase64()).isEqualTo(text);
      assertThat(key.warnings()).singleElement().asString().contains(dir.toString())
          .contains("0777").contains("read-only").contains("could not be tightened")
          .doesNotContain(text);
      assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(dir)))
          .isEqualTo(FileMode.of(0777)); // (the sticky bit is not in FileMode)

      // A key file others may read there: REPAIR cannot repair it, so it warns and loads;
      // REFUSE refuses, naming the file.
      Commands.run("mount", "-o", "remount,rw", dir.toString());
      Files.setPosixFilePermissions(keyPath(), FileMode.of(0444).toPosix());
      Commands.run("mount", "-o", "remount,ro", dir.toString());
      NodeKey loose = KeyManager.of(again.privateKeyFile()).loadOrGenerate();
      assertThat(loose.privateKey().toBase64()).isEqualTo(text);
      assertThat(loose.warnings()).anySatisfy(w -> assertThat(w).contains(keyPath().toString())
          .contains("0444").contains("read-only").contains("defaultMode 0400"));
      assertThatThrownBy(() -> KeyManager.of(again.privateKeyFile())
              .withLoosePermissions(KeyManager.LoosePermissions.REFUSE).loadOrGenerate())
          .isInstanceOfSatisfying(StorageException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INSECURE_PERMISSIONS);
            assertThat(e.location()).isEqualTo(keyPath().toString());
          });
    } finally {
      Commands.run("umount", dir.toString());
    }
  }

  /** Issue 13 item 8: a key file of another (non-root) user is refused, untouched. */
  @Test
  void aKeyFileOwnedByAnotherUserIsRefusedNamingIt() throws Exception {
    Prerequisites.requireRoot("chown");
    ClusternetRoot root = root();
    String text = X25519.generatePrivateKey().toBase64();
    writeKey(keyPath(), text, 0600);
    Commands.run("chown", OTHER_UID + ":" + OTHER_UID, keyPath().toString());
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_OWNER);
          assertThat(e.location()).isEqualTo(keyPath().toString());
          assertThat(e.getMessage()).contains(keyPath().toString()).contains("uid " + OTHER_UID)
              .doesNotContain(text);
        });
    assertThat(Files.readString(keyPath())).isEqualTo(text + "\n");
    assertThat(Files.getAttribute(keyPath(), "unix:uid")).isEqualTo(OTHER_UID);
  }

  /**
   * Issue 13 item 8: a storage root another user could write before the first start, with a key
   * planted in a tree that user made: refused at the first directory they own, nothing read.
   */
  @Test
  void aPlantedTreeOwnedByAnotherUserIsRefusedAtItsTop() throws Exception {
    Prerequisites.requireRoot("chown");
    root();
    writeKey(keyPath(), X25519.generatePrivateKey().toBase64(), 0600);
    Commands.run("chown", "-R", OTHER_UID + ":" + OTHER_UID, tmp.resolve("data").toString());
    ClusternetRoot root = root(); // create() leaves owners alone
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_OWNER);
          assertThat(e.location()).isEqualTo(tmp.resolve("data").toString());
        });
    // A fresh start in such a tree writes no key into it either.
    Files.delete(keyPath());
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile()).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.UNTRUSTED_OWNER));
    assertThat(keyPath()).doesNotExist();
  }

  /** Issue 13 item 8: write permission for others on the way to the key: repair or refuse. */
  @Test
  void aStorageRootOthersCanWriteIsRepairedOrRefused() throws Exception {
    Prerequisites.requireRoot("a root-owned tree");
    ClusternetRoot root = root();
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    Files.setPosixFilePermissions(tmp, FileMode.of(0777).toPosix());
    assertThatThrownBy(() -> KeyManager.of(root.privateKeyFile())
            .withLoosePermissions(KeyManager.LoosePermissions.REFUSE).loadOrGenerate())
        .isInstanceOfSatisfying(StorageException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INSECURE_PERMISSIONS);
          assertThat(e.location()).isEqualTo(tmp.toString());
          assertThat(e.getMessage()).contains("0777");
        });
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(tmp))).isEqualTo(FileMode.of(0777));

    NodeKey again = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    assertThat(again.privateKey()).isEqualTo(key.privateKey());
    assertThat(FileMode.fromPosix(Files.getPosixFilePermissions(tmp))).isEqualTo(FileMode.of(0755));
    assertThat(again.warnings()).singleElement().asString().contains(tmp.toString())
        .contains("0777").contains("0755");
    assertThat(KeyManager.of(root.privateKeyFile()).loadOrGenerate().warnings()).isEmpty();
  }
}
