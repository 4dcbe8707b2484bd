package io.clusternet.core.mesh;

import java.util.Objects;

/**
 * A node that cannot become a peer, and why. One bad node never disturbs the others.
 *
 * @param nodeName the node
 * @param reason the kind of problem
 * @param detail a human-readable explanation (never key material beyond public keys; values
 *     from the node are escaped and cut short, see {@link Untrusted})
 */
public record Exclusion(String nodeName, Reason reason, String detail) {
  public Exclusion {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(reason, "reason");
    Objects.requireNonNull(detail, "detail");
  }

  /** Why a node is excluded. */
  public enum Reason {
    /** The node has no public-key annotation (yet). */
    NO_KEY,
    /** The annotation is not a valid WireGuard public key. */
    BAD_KEY,
    /** The node has no usable InternalIP of an allowed family. */
    NO_ADDRESS,
    /** A pod CIDR does not parse. */
    BAD_PREFIX,
    /** Two or more nodes publish the same key: none of them is trusted with it. */
    DUPLICATE_KEY,
    /** The node's allowed IPs overlap an older node's (or ours). */
    OVERLAPPING_ALLOWED_IPS,
    /** An older node has the same endpoint (the same InternalIP), as in some Vagrant setups. */
    DUPLICATE_ENDPOINT,
    /** The node publishes our own public key. */
    OWN_KEY
  }
}
