package io.clusternet.core.storage;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.localstorage.Directory;
import io.clusternet.localstorage.FileMode;
import io.clusternet.localstorage.NioStorage;
import io.clusternet.localstorage.Placement;
import io.clusternet.localstorage.Storage;
import io.clusternet.localstorage.TypedFile;
import java.nio.file.Path;

/**
 * The root of clusternet's storage tree (see the package documentation for its shape). Like
 * Monogon's {@code localstorage.Root}, reduced to what clusternet owns.
 *
 * <pre>{@code
 * ClusternetRoot root = ClusternetRoot.at(Path.of("/var/lib/clusternet"));
 * root.create();
 * TypedFile<PrivateKey> keyFile = root.data.kubernetes.clusternet.privateKey;
 * }</pre>
 */
public final class ClusternetRoot extends Directory {
  /** Persistent state: survives reboots. */
  public final DataDirectory data = dir("data", FileMode.OWNER_ONLY_DIRECTORY, DataDirectory::new);

  /** Runtime state: may be lost at reboot (the seed's {@code /ephemeral}). */
  public final EphemeralDirectory ephemeral =
      dir("ephemeral", FileMode.OWNER_ONLY_DIRECTORY, EphemeralDirectory::new);

  public ClusternetRoot(Placement placement) {
    super(placement);
  }

  /** The tree on the local file system under {@code directory} (not yet created). */
  public static ClusternetRoot at(Path directory) {
    return on(NioStorage.at(directory));
  }

  /** The tree at the root of {@code storage} (not yet created). */
  public static ClusternetRoot on(Storage storage) {
    return new ClusternetRoot(Placement.root(storage));
  }

  /** The node's WireGuard private key file. */
  public TypedFile<PrivateKey> privateKeyFile() {
    return data.kubernetes.clusternet.privateKey;
  }

  /** {@code data/}. */
  public static final class DataDirectory extends Directory {
    public final KubernetesDirectory kubernetes =
        dir("kubernetes", FileMode.OWNER_ONLY_DIRECTORY, KubernetesDirectory::new);

    DataDirectory(Placement placement) {
      super(placement);
    }
  }

  /** {@code data/kubernetes/}. */
  public static final class KubernetesDirectory extends Directory {
    public final ClusternetDataDirectory clusternet =
        dir("clusternet", FileMode.OWNER_ONLY_DIRECTORY, ClusternetDataDirectory::new);

    KubernetesDirectory(Placement placement) {
      super(placement);
    }
  }

  /** {@code data/kubernetes/clusternet/}. */
  public static final class ClusternetDataDirectory extends Directory {
    /** {@code private.key}: base64 and a newline, mode 0600. */
    public final TypedFile<PrivateKey> privateKey =
        file("private.key", PrivateKeyCodec.instance(), FileMode.OWNER_READ_WRITE);

    ClusternetDataDirectory(Placement placement) {
      super(placement);
    }
  }

  /** {@code ephemeral/}. */
  public static final class EphemeralDirectory extends Directory {
    /** {@code ephemeral/clusternet/}: clusternet's runtime state. */
    public final ClusternetEphemeralDirectory clusternet =
        dir("clusternet", FileMode.OWNER_ONLY_DIRECTORY, ClusternetEphemeralDirectory::new);

    EphemeralDirectory(Placement placement) {
      super(placement);
    }
  }

  /** {@code ephemeral/clusternet/}. */
  public static final class ClusternetEphemeralDirectory extends Directory {
    /** {@code status.txt}: the last status a host wrote, for humans and scripts (0644). */
    public final TypedFile<String> status =
        file("status.txt", io.clusternet.localstorage.codec.Codecs.utf8(), FileMode.WORLD_READABLE);
    /** {@code status.json}: the same status for machines (0644). */
    public final TypedFile<String> statusJson =
        file("status.json", io.clusternet.localstorage.codec.Codecs.utf8(),
            FileMode.WORLD_READABLE);

    ClusternetEphemeralDirectory(Placement placement) {
      super(placement);
    }
  }
}
