package io.clusternet.core.keys;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.localstorage.FileMode;
import io.clusternet.localstorage.StorageException;
import io.clusternet.localstorage.TypedFile;
import java.security.SecureRandom;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's WireGuard key on disk: load it, or generate it once and persist it.
 *
 * <ul>
 *   <li>A missing key file is generated, written atomically and durably with mode 0600, and
 *       created only if still absent (two racing starts agree on one key).
 *   <li>A key file that exists but cannot be read, or does not hold a valid key, is an error
 *       naming the file, and the file is never overwritten: losing the key changes the node's
 *       identity and breaks every peer's configuration. Only an explicit {@link #regenerate()}
 *       replaces it.
 *   <li>A key file whose mode grants any access to group or others: by default ({@link
 *       LoosePermissions#REPAIR}) the mode is set back to 0600 and a warning is logged that the key
 *       may have been exposed; with {@link LoosePermissions#REFUSE} loading fails with {@link
 *       StorageException.Reason#INSECURE_PERMISSIONS} and the file is left alone. Repair is the
 *       default because refusing turns a restored backup into a node that cannot start, while the
 *       exposure, if any, has already happened either way; hosts that prefer ssh's strictness
 *       choose REFUSE.
 * </ul>
 *
 * <p>Nothing here logs or reports the private key.
 */
public final class KeyManager {
  private static final Logger log = LoggerFactory.getLogger(KeyManager.class);

  /** What to do with a key file readable or writable by group or others. */
  public enum LoosePermissions {
    /** Set the mode back to the declared 0600 and log a warning (the default). */
    REPAIR,
    /** Fail with {@link StorageException.Reason#INSECURE_PERMISSIONS}; touch nothing. */
    REFUSE
  }

  private final TypedFile<PrivateKey> keyFile;
  private final LoosePermissions loosePermissions;
  private final SecureRandom random;

  private KeyManager(TypedFile<PrivateKey> keyFile, LoosePermissions loose, SecureRandom random) {
    this.keyFile = Objects.requireNonNull(keyFile, "keyFile");
    this.loosePermissions = Objects.requireNonNull(loose, "loosePermissions");
    this.random = Objects.requireNonNull(random, "random");
  }

  /** A manager of {@code keyFile} that repairs loose permissions. */
  public static KeyManager of(TypedFile<PrivateKey> keyFile) {
    return new KeyManager(keyFile, LoosePermissions.REPAIR, new SecureRandom());
  }

  /** This manager with another policy for loose permissions. */
  public KeyManager withLoosePermissions(LoosePermissions policy) {
    return new KeyManager(keyFile, policy, random);
  }

  /** This manager with another source of randomness (for tests). */
  public KeyManager withRandom(SecureRandom random) {
    return new KeyManager(keyFile, loosePermissions, random);
  }

  /**
   * The node's key: loaded from the key file, or generated and persisted if there is none. The
   * key file's directory must exist ({@code ClusternetRoot.create()} makes it).
   *
   * @throws StorageException naming the key file when it cannot be read ({@code
   *     PERMISSION_DENIED}, {@code IO_ERROR}, ...), is corrupt ({@code MALFORMED_CONTENT}), has
   *     loose permissions under {@link LoosePermissions#REFUSE} ({@code INSECURE_PERMISSIONS}),
   *     or a new key cannot be written ({@code NO_SPACE}, {@code READ_ONLY}, ...). In every case
   *     an existing key file is left as it was.
   */
  public NodeKey loadOrGenerate() throws StorageException {
    Optional<PrivateKey> existing = load();
    if (existing.isPresent()) {
      return new NodeKey(existing.get(), X25519.publicKey(existing.get()), false);
    }
    PrivateKey key = X25519.generatePrivateKey(random);
    try {
      keyFile.create(key);
    } catch (StorageException e) {
      if (e.reason() != StorageException.Reason.ALREADY_EXISTS) throw e;
      // Another process created it between our read and our write: use theirs.
      PrivateKey theirs = load().orElseThrow(() -> e);
      return new NodeKey(theirs, X25519.publicKey(theirs), false);
    }
    NodeKey generated = new NodeKey(key, X25519.publicKey(key), true);
    log.info("generated a new WireGuard key at {}: public key {}", keyFile.location(),
        generated.publicKey());
    return generated;
  }

  /**
   * Generates a new key and replaces the key file, whatever it holds (also a corrupt one). The
   * node's identity changes: every peer must learn the new public key.
   */
  public NodeKey regenerate() throws StorageException {
    PrivateKey key = X25519.generatePrivateKey(random);
    keyFile.write(key);
    NodeKey generated = new NodeKey(key, X25519.publicKey(key), true);
    log.warn("replaced the WireGuard key at {} on request: new public key {}",
        keyFile.location(), generated.publicKey());
    return generated;
  }

  private Optional<PrivateKey> load() throws StorageException {
    Optional<PrivateKey> key;
    try {
      key = keyFile.read();
    } catch (StorageException e) {
      if (e.reason() == StorageException.Reason.MALFORMED_CONTENT) {
        throw new StorageException(e.reason(), e.location(),
            "the WireGuard key file " + e.location() + " is corrupt ("
                + e.getCause().getMessage() + "); it was left untouched. Restore it from a "
                + "backup, or move it away (or call KeyManager.regenerate()) to make a new key, "
                + "which changes this node's identity", e);
      }
      throw e;
    }
    if (key.isPresent()) checkPermissions();
    return key;
  }

  private void checkPermissions() throws StorageException {
    Optional<FileMode> mode = keyFile.currentMode();
    if (mode.isEmpty() || !mode.get().grantsGroupOrOthers()) return;
    switch (loosePermissions) {
      case REFUSE -> throw new StorageException(StorageException.Reason.INSECURE_PERMISSIONS,
          keyFile.location(), "the WireGuard key file " + keyFile.location() + " has mode "
              + mode.get() + ", which grants access beyond its owner; refusing to use it. Set "
              + "its mode to " + keyFile.mode() + " (and consider the key exposed)");
      case REPAIR -> {
        keyFile.restoreMode();
        log.warn("the WireGuard key file {} had mode {}, which grants access beyond its owner; "
            + "set it to {}. The key may have been exposed: consider regenerating it",
            keyFile.location(), mode.get(), keyFile.mode());
      }
    }
  }
}
