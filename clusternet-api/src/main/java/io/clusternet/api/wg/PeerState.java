package io.clusternet.api.wg;

import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A peer as a device reports it.
 *
 * @param publicKey the peer's public key
 * @param presharedKey the preshared key, if one is set
 * @param endpoint the peer's current endpoint, if known
 * @param allowedIps allowed IPs in the order the device reports them
 * @param persistentKeepalive keepalive interval; {@link Duration#ZERO} when off
 * @param lastHandshake time of the last completed handshake, if any
 * @param receiveBytes bytes received from this peer
 * @param transmitBytes bytes sent to this peer
 * @param protocolVersion the WireGuard protocol version (1)
 */
public record PeerState(
    PublicKey publicKey,
    Optional<PresharedKey> presharedKey,
    Optional<Endpoint> endpoint,
    List<IpPrefix> allowedIps,
    Duration persistentKeepalive,
    Optional<Instant> lastHandshake,
    long receiveBytes,
    long transmitBytes,
    int protocolVersion) {

  public PeerState {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(presharedKey, "presharedKey");
    Objects.requireNonNull(endpoint, "endpoint");
    allowedIps = List.copyOf(allowedIps);
    Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    Objects.requireNonNull(lastHandshake, "lastHandshake");
    if (persistentKeepalive.isNegative()) {
      throw new IllegalArgumentException("persistentKeepalive must not be negative");
    }
  }

  /** A peer with only a key and allowed IPs, no traffic yet (for tests and fakes). */
  public static PeerState of(PublicKey publicKey, Optional<Endpoint> endpoint,
      List<IpPrefix> allowedIps, Duration persistentKeepalive) {
    return new PeerState(publicKey, Optional.empty(), endpoint, allowedIps, persistentKeepalive,
        Optional.empty(), 0, 0, 1);
  }
}
