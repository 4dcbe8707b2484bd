package io.clusternet.api.wg;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A WireGuard device as it is.
 *
 * @param name the interface name
 * @param privateKey the device's private key, if set (its {@code toString()} is redacted)
 * @param publicKey the device's public key, if a private key is set
 * @param listenPort the UDP port the device listens on; 0 if it has no socket
 * @param firewallMark the fwmark of outgoing packets; 0 if none
 * @param peers the peers, in the order the device reports them
 */
public record DeviceState(
    String name,
    Optional<PrivateKey> privateKey,
    Optional<PublicKey> publicKey,
    int listenPort,
    int firewallMark,
    List<PeerState> peers) {

  public DeviceState {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(publicKey, "publicKey");
    if (listenPort < 0 || listenPort > 65535) {
      throw new IllegalArgumentException("listenPort out of range: " + listenPort);
    }
    peers = List.copyOf(peers);
  }

  /** The peer with {@code publicKey}, if the device has it. Linear; index {@link #peers()} for many lookups. */
  public Optional<PeerState> peer(PublicKey publicKey) {
    for (PeerState p : peers) {
      if (p.publicKey().equals(publicKey)) return Optional.of(p);
    }
    return Optional.empty();
  }

  /** A summary without the peers' details (the full record's text can be megabytes). */
  @Override
  public String toString() {
    return "DeviceState[name=" + name + ", publicKey=" + publicKey.map(PublicKey::toString).orElse("none")
        + ", listenPort=" + listenPort + ", firewallMark=" + firewallMark + ", peers="
        + peers.size() + "]";
  }
}
