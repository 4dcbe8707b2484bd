package io.clusternet.api.wg;

import io.clusternet.api.crypto.PrivateKey;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;

/**
 * A requested change to a device. Empty optionals leave the device's value unchanged.
 *
 * @param privateKey set the private key
 * @param listenPort set the listen port (0 picks a random port)
 * @param firewallMark set the fwmark (0 clears it)
 * @param replacePeers remove every peer not in {@link #peers()} first
 * @param peers peer changes, applied in order; at most one per public key
 */
public record DeviceConfig(
    Optional<PrivateKey> privateKey,
    OptionalInt listenPort,
    OptionalInt firewallMark,
    boolean replacePeers,
    List<PeerConfig> peers) {

  public DeviceConfig {
    Objects.requireNonNull(privateKey, "privateKey");
    Objects.requireNonNull(listenPort, "listenPort");
    Objects.requireNonNull(firewallMark, "firewallMark");
    peers = List.copyOf(peers);
    if (listenPort.isPresent() && (listenPort.getAsInt() < 0 || listenPort.getAsInt() > 65535)) {
      throw new IllegalArgumentException("listen port must be 0-65535, got "
          + listenPort.getAsInt());
    }
    Set<Object> seen = new HashSet<>();
    for (PeerConfig p : peers) {
      if (!seen.add(p.publicKey())) {
        throw new IllegalArgumentException("peer " + p.publicKey() + " appears twice");
      }
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Whether applying this config would change nothing. */
  public boolean isEmpty() {
    return privateKey.isEmpty() && listenPort.isEmpty() && firewallMark.isEmpty() && !replacePeers
        && peers.isEmpty();
  }

  /** A summary (the private key is never shown). */
  @Override
  public String toString() {
    return "DeviceConfig[privateKey=" + (privateKey.isPresent() ? "set" : "unchanged")
        + ", listenPort=" + listenPort + ", firewallMark=" + firewallMark + ", replacePeers="
        + replacePeers + ", peers=" + peers.size() + "]";
  }

  /** Builds a {@link DeviceConfig}; every setter is optional. */
  public static final class Builder {
    private Optional<PrivateKey> privateKey = Optional.empty();
    private OptionalInt listenPort = OptionalInt.empty();
    private OptionalInt firewallMark = OptionalInt.empty();
    private boolean replacePeers;
    private final List<PeerConfig> peers = new ArrayList<>();

    private Builder() {}

    /** Optional: default unchanged. */
    public Builder privateKey(PrivateKey key) {
      this.privateKey = Optional.of(key);
      return this;
    }

    /** Optional: default unchanged; 0 picks a random port. */
    public Builder listenPort(int port) {
      this.listenPort = OptionalInt.of(port);
      return this;
    }

    /** Optional: default unchanged; 0 clears it. */
    public Builder firewallMark(int mark) {
      this.firewallMark = OptionalInt.of(mark);
      return this;
    }

    /** Optional: default false. */
    public Builder replacePeers(boolean replace) {
      this.replacePeers = replace;
      return this;
    }

    /** Optional: a peer change. */
    public Builder peer(PeerConfig peer) {
      peers.add(Objects.requireNonNull(peer, "peer"));
      return this;
    }

    /** Optional: peer changes. */
    public Builder peers(Collection<PeerConfig> changes) {
      changes.forEach(this::peer);
      return this;
    }

    public DeviceConfig build() {
      return new DeviceConfig(privateKey, listenPort, firewallMark, replacePeers, peers);
    }
  }
}
