package io.clusternet.core.keys;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import java.util.List;
import java.util.Objects;

/**
 * The node's key pair, whether {@link KeyManager#loadOrGenerate()} made it just now, and the
 * warnings it logged about the key file and its directories (a mode it repaired, or could not
 * tighten on a read-only file system); none of them contains the key. {@link #toString()} shows
 * the public key only.
 */
public record NodeKey(PrivateKey privateKey, PublicKey publicKey, boolean generated,
    List<String> warnings) {
  public NodeKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(publicKey, "publicKey");
    warnings = List.copyOf(warnings);
  }

  /** A key pair without warnings. */
  public NodeKey(PrivateKey privateKey, PublicKey publicKey, boolean generated) {
    this(privateKey, publicKey, generated, List.of());
  }

  @Override
  public String toString() {
    return "NodeKey[publicKey=" + publicKey + ", generated=" + generated + "]";
  }
}
