package io.clusternet.core.keys;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.localstorage.FileMode;
import io.clusternet.localstorage.FileSecurity;
import io.clusternet.localstorage.Storage;
import io.clusternet.localstorage.StorageException;
import io.clusternet.localstorage.StoragePath;
import io.clusternet.localstorage.TypedFile;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.List;
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
 *   <li>Ownership, as ssh's {@code StrictModes}: the key file and every directory from the
 *       storage root down to it must be owned by root or by this process's user; anything else
 *       (a key planted by another user in a root they could write before the first start) is
 *       {@link StorageException.Reason#UNTRUSTED_OWNER}, naming the path, and nothing is read
 *       from it or written to it. A directory on that path that group or others can write gets
 *       the same choice as a loose key file: REPAIR removes their write bits (and warns), REFUSE
 *       fails with {@code INSECURE_PERMISSIONS}. (The directories clusternet declares are set to
 *       0700 by {@code ClusternetRoot.create()} at every start anyway; this matters for the
 *       storage root, whose mode belongs to whoever made it.)
 *   <li>A read-only file system (a Kubernetes Secret mounted at the key's directory, key mode
 *       0400): nobody can write it, so write bits there are harmless; the key is loaded, and a
 *       warning says which mode could not be tightened. A key file there that group or others
 *       may read is repaired in no way: REPAIR warns, REFUSE refuses.
 *   <li>A key that is not clamped (32 random bytes, as {@code openssl rand -base64 32} makes) is
 *       clamped at load, as WireGuard does when it is given one: the device stores and reports
 *       the clamped form, so comparing against the file's bytes would rewrite the device's key
 *       at every resync. The public key is the same; the file is left as it is.
 * </ul>
 *
 * <p>Every warning is logged and also returned in {@link NodeKey#warnings()}. Nothing here logs
 * or reports the private key.
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
   *     or a new key cannot be written ({@code NO_SPACE}, {@code READ_ONLY}, ...); naming the
   *     file or directory when it is owned by another user ({@code UNTRUSTED_OWNER}) or is a
   *     directory group or others can write under REFUSE, or whose mode cannot be repaired
   *     ({@code INSECURE_PERMISSIONS}). In every case an existing key file is left as it was.
   */
  public NodeKey loadOrGenerate() throws StorageException {
    List<String> warnings = new ArrayList<>();
    checkDirectories(warnings);
    Optional<PrivateKey> existing = load(warnings);
    if (existing.isPresent()) {
      return new NodeKey(existing.get(), X25519.publicKey(existing.get()), false, warnings);
    }
    PrivateKey key = X25519.generatePrivateKey(random);
    try {
      keyFile.create(key);
    } catch (StorageException e) {
      if (e.reason() != StorageException.Reason.ALREADY_EXISTS) throw e;
      // Another process created it between our read and our write: use theirs.
      PrivateKey theirs = load(warnings).orElseThrow(() -> e);
      return new NodeKey(theirs, X25519.publicKey(theirs), false, warnings);
    }
    NodeKey generated = new NodeKey(key, X25519.publicKey(key), true, warnings);
    log.info("generated a new WireGuard key at {}: public key {}", keyFile.location(),
        generated.publicKey());
    return generated;
  }

  /**
   * The key in the key file, if there is one; never writes a key (for a dry run). The same checks
   * as {@link #loadOrGenerate()} apply (ownership, modes: repaired or refused, clamping).
   *
   * @throws StorageException as for {@link #loadOrGenerate()}, except that nothing is written
   */
  public Optional<NodeKey> load() throws StorageException {
    List<String> warnings = new ArrayList<>();
    checkDirectories(warnings);
    return load(warnings).map(k -> new NodeKey(k, X25519.publicKey(k), false, warnings));
  }

  /**
   * Generates a new key and replaces the key file, whatever it holds (also a corrupt one). The
   * node's identity changes: every peer must learn the new public key.
   */
  public NodeKey regenerate() throws StorageException {
    List<String> warnings = new ArrayList<>();
    checkDirectories(warnings);
    PrivateKey key = X25519.generatePrivateKey(random);
    keyFile.write(key);
    NodeKey generated = new NodeKey(key, X25519.publicKey(key), true, warnings);
    log.warn("replaced the WireGuard key at {} on request: new public key {}",
        keyFile.location(), generated.publicKey());
    return generated;
  }

  /**
   * The directories from the storage root down to the key file's: owned by root or us, and not
   * writable by group or others (repaired or refused), else an error naming the directory.
   */
  private void checkDirectories(List<String> warnings) throws StorageException {
    Storage storage = keyFile.storage();
    List<StoragePath> dirs = new ArrayList<>();
    for (StoragePath p = keyFile.path().parent(); ; p = p.parent()) {
      dirs.add(0, p);
      if (p.isRoot()) break;
    }
    for (StoragePath dir : dirs) {
      Optional<FileSecurity> sec = storage.security(dir);
      if (sec.isEmpty()) continue;
      String location = storage.location(dir);
      FileSecurity s = sec.get();
      if (!s.trustedOwner()) throw untrusted("directory", location, s);
      if (s.writableByGroupOrOthers()) {
        FileMode tightened = FileMode.of(s.mode().bits() & ~0022);
        if (loosePermissions == LoosePermissions.REFUSE) {
          throw new StorageException(StorageException.Reason.INSECURE_PERMISSIONS, location,
              "the WireGuard key's directory " + location + " has mode " + s.mode()
                  + ", so group or others could replace the key; refusing to use it. Remove "
                  + "their write permission (for example mode " + tightened + ")");
        }
        try {
          storage.setMode(dir, tightened);
        } catch (StorageException e) {
          throw new StorageException(StorageException.Reason.INSECURE_PERMISSIONS, location,
              "the WireGuard key's directory " + location + " has mode " + s.mode()
                  + ", so group or others could replace the key, and its mode could not be "
                  + "changed: " + e.getMessage(), e);
        }
        warn(warnings, "the WireGuard key's directory " + location + " had mode " + s.mode()
            + ", so group or others could have replaced the key; set it to " + tightened);
      } else if (s.readOnlyFileSystem() && s.mode().grantsGroupOrOthers()) {
        warn(warnings, "the WireGuard key's directory " + location + " has mode " + s.mode()
            + " on a read-only file system, so its mode could not be tightened to owner-only; "
            + "nobody can write there, and the key is used");
      }
    }
  }

  private static StorageException untrusted(String what, String location, FileSecurity s) {
    return new StorageException(StorageException.Reason.UNTRUSTED_OWNER, location,
        "the WireGuard key " + what + " " + location + " is owned by uid " + s.ownerUid()
            + ", neither root nor this process's user (uid " + s.processUid() + "); refusing "
            + "to use it, as ssh's StrictModes would: another user could have put a key there. "
            + "Check it, then chown it to root or uid " + s.processUid());
  }

  private void warn(List<String> warnings, String warning) {
    log.warn("{}", warning);
    warnings.add(warning);
  }

  private Optional<PrivateKey> load(List<String> warnings) throws StorageException {
    Optional<FileSecurity> security;
    try {
      security = keyFile.security();
    } catch (StorageException e) {
      if (e.reason() != StorageException.Reason.NOT_FOUND) throw e;
      security = Optional.empty(); // no key file (yet): read() says so
    }
    if (security.isPresent() && !security.get().trustedOwner()) {
      throw untrusted("file", keyFile.location(), security.get());
    }
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
    if (key.isEmpty()) return key;
    checkPermissions(security, warnings);
    return Optional.of(clamped(key.get()));
  }

  /** The key as WireGuard uses it: clamped (a no-op for every key {@code wg genkey} makes). */
  private PrivateKey clamped(PrivateKey key) {
    byte[] k = key.toBytes();
    byte[] c = k.clone();
    try {
      X25519.clamp(c);
      if (java.util.Arrays.equals(k, c)) return key;
      log.info("the WireGuard key in {} is not clamped; using its clamped form, as WireGuard "
          + "does (the public key is the same)", keyFile.location());
      return PrivateKey.fromBytes(c);
    } catch (io.clusternet.api.crypto.KeyFormatException e) {
      throw new AssertionError(e); // 32 bytes, and clamping never makes the zero key
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
      java.util.Arrays.fill(c, (byte) 0);
    }
  }

  private void checkPermissions(Optional<FileSecurity> security, List<String> warnings)
      throws StorageException {
    Optional<FileMode> mode = security.isPresent() ? security.map(FileSecurity::mode)
        : keyFile.currentMode();
    if (mode.isEmpty() || !mode.get().grantsGroupOrOthers()) return;
    if (loosePermissions == LoosePermissions.REPAIR
        && security.map(FileSecurity::readOnlyFileSystem).orElse(false)) {
      warn(warnings, "the WireGuard key file " + keyFile.location() + " has mode " + mode.get()
          + ", which grants access beyond its owner, on a read-only file system, so its mode "
          + "could not be tightened to " + keyFile.mode() + "; the key is used. Set the mode "
          + "where it comes from (for a Kubernetes Secret: defaultMode 0400)");
      return;
    }
    switch (loosePermissions) {
      case REFUSE -> throw new StorageException(StorageException.Reason.INSECURE_PERMISSIONS,
          keyFile.location(), "the WireGuard key file " + keyFile.location() + " has mode "
              + mode.get() + ", which grants access beyond its owner; refusing to use it. Set "
              + "its mode to " + keyFile.mode() + " (and consider the key exposed)");
      case REPAIR -> {
        keyFile.restoreMode();
        warn(warnings, "the WireGuard key file " + keyFile.location() + " had mode " + mode.get()
            + ", which grants access beyond its owner; set it to " + keyFile.mode()
            + ". The key may have been exposed: consider regenerating it");
      }
    }
  }
}
