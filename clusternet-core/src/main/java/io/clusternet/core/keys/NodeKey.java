package io.clusternet.core.keys;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import java.util.Objects;

/**
 * The node's key pair, and whether {@link KeyManager#loadOrGenerate()} made it just now.
 * {@link #toString()} shows the public key only.
 */
public record NodeKey(PrivateKey privateKey, PublicKey publicKey, boolean generated) {
  public NodeKey {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(publicKey, "publicKey");
  }

  @Override
  public String toString() {
    return "NodeKey[publicKey=" + publicKey + ", generated=" + generated + "]";
  }
}
