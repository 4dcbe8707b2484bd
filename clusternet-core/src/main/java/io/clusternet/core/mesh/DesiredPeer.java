package io.clusternet.core.mesh;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * A peer the device should have: one per other node.
 *
 * @param nodeName the node it stands for
 * @param publicKey the node's WireGuard public key
 * @param endpoint the node's address and listen port
 * @param allowedIps canonical, sorted allowed IPs
 * @param persistentKeepalive keepalive interval; zero is off
 * @param note a caveat for humans, such as a link-local endpoint used for want of a routable one
 *     (escaped text; shown in status, never part of the device configuration)
 */
public record DesiredPeer(String nodeName, PublicKey publicKey, Endpoint endpoint,
    SortedSet<IpPrefix> allowedIps, Duration persistentKeepalive, Optional<String> note) {
  public DesiredPeer {
    Objects.requireNonNull(nodeName, "nodeName");
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(endpoint, "endpoint");
    allowedIps = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(allowedIps));
    Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    Objects.requireNonNull(note, "note");
  }

  /** A peer without a note. */
  public DesiredPeer(String nodeName, PublicKey publicKey, Endpoint endpoint,
      SortedSet<IpPrefix> allowedIps, Duration persistentKeepalive) {
    this(nodeName, publicKey, endpoint, allowedIps, persistentKeepalive, Optional.empty());
  }
}
