package io.clusternet.core;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.mesh.Untrusted;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A snapshot of a running {@link ClusterNet}: what {@code wg show} would print, plus the nodes
 * excluded and why. Never contains the private key.
 *
 * @param nodeName this node
 * @param interfaceName the WireGuard interface
 * @param mode kernel or userspace
 * @param publicKey this node's public key
 * @param listenPort the device's listen port
 * @param health the health flags
 * @param peers one entry per peer on the device, sorted by node name
 * @param excluded nodes that are not peers, with reasons
 * @param writes backend writes since start
 * @param repairs divergences found (and repaired) at resyncs between the incrementally kept
 *     desired mesh and the one recomputed from the informer's cache; 0 in a correct run
 */
public record ClusterNetStatus(String nodeName, String interfaceName, String mode,
    PublicKey publicKey, int listenPort, Health health, List<Peer> peers,
    List<Exclusion> excluded, long writes, long repairs) {
  public ClusterNetStatus {
    peers = List.copyOf(peers);
    excluded = List.copyOf(excluded);
  }

  /** Without a repairs count (0). */
  public ClusterNetStatus(String nodeName, String interfaceName, String mode,
      PublicKey publicKey, int listenPort, Health health, List<Peer> peers,
      List<Exclusion> excluded, long writes) {
    this(nodeName, interfaceName, mode, publicKey, listenPort, health, peers, excluded, writes, 0);
  }

  /**
   * Health: healthy when running, synced, the device up and the key published.
   *
   * @param running the service is running
   * @param informerSynced the node informer has its first full listing
   * @param deviceUp the WireGuard device exists and answers
   * @param keyPublished our key is on our Node
   * @param lastError the last reconciliation or publication error, if any
   */
  public record Health(boolean running, boolean informerSynced, boolean deviceUp,
      boolean keyPublished, Optional<String> lastError) {
    public boolean isHealthy() {
      return running && informerSynced && deviceUp && keyPublished;
    }
  }

  /**
   * One peer as the device reports it.
   *
   * @param nodeName the node it stands for, or empty for a stray peer about to be removed
   * @param publicKey the peer's key
   * @param endpoint its endpoint
   * @param allowedIps its allowed IPs
   * @param handshakeAge time since the last handshake, if there was one
   * @param receiveBytes bytes received
   * @param transmitBytes bytes sent
   * @param note a caveat from the mapping, such as a link-local endpoint ({@link
   *     io.clusternet.core.mesh.DesiredPeer#note()}), and whether the device's endpoint is a
   *     roamed one (another than the node's configured endpoint) that the endpoint policy keeps
   *     or writes back
   */
  public record Peer(Optional<String> nodeName, PublicKey publicKey, Optional<Endpoint> endpoint,
      List<IpPrefix> allowedIps, Optional<Duration> handshakeAge, long receiveBytes,
      long transmitBytes, Optional<String> note) {
    public Peer {
      allowedIps = List.copyOf(allowedIps);
      java.util.Objects.requireNonNull(note, "note");
    }

    /** A peer without a note. */
    public Peer(Optional<String> nodeName, PublicKey publicKey, Optional<Endpoint> endpoint,
        List<IpPrefix> allowedIps, Optional<Duration> handshakeAge, long receiveBytes,
        long transmitBytes) {
      this(nodeName, publicKey, endpoint, allowedIps, handshakeAge, receiveBytes, transmitBytes,
          Optional.empty());
    }
  }

  /**
   * A table a WireGuard user recognises, like {@code wg show}, and the excluded nodes. Every
   * text that may come from outside (node names, exclusion details, errors, notes) is {@linkplain
   * Untrusted#lineSafe escaped and cut short}, so no value can add a line or run on for pages.
   */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append("node: ").append(name(nodeName)).append("  interface: ").append(name(interfaceName))
        .append(" (").append(mode).append(")\n");
    b.append("  public key: ").append(publicKey).append("\n");
    b.append("  listening port: ").append(listenPort).append("\n");
    b.append("  health: ").append(health.isHealthy() ? "healthy" : "NOT healthy")
        .append(" (running=").append(health.running()).append(", synced=")
        .append(health.informerSynced()).append(", device=").append(health.deviceUp())
        .append(", key published=").append(health.keyPublished()).append(")")
        .append(health.lastError().map(e -> "\n  last error: " + Untrusted.lineSafe(e))
            .orElse("")).append("\n");
    b.append("  device writes: ").append(writes).append("  repairs: ").append(repairs)
        .append("\n");
    for (Peer p : peers) {
      b.append("\npeer: ").append(p.publicKey())
          .append(p.nodeName().map(n -> "  (node " + name(n) + ")").orElse("  (stray)"))
          .append("\n");
      p.note().ifPresent(n -> b.append("  note: ").append(Untrusted.lineSafe(n)).append("\n"));
      b.append("  endpoint: ").append(p.endpoint().map(Object::toString).orElse("(none)"))
          .append("\n");
      b.append("  allowed ips: ").append(p.allowedIps().isEmpty() ? "(none)"
          : String.join(", ", p.allowedIps().stream().map(Object::toString).toList()))
          .append("\n");
      b.append("  latest handshake: ").append(p.handshakeAge()
          .map(a -> a.getSeconds() + " seconds ago").orElse("(none)")).append("\n");
      b.append("  transfer: ").append(p.receiveBytes()).append(" B received, ")
          .append(p.transmitBytes()).append(" B sent\n");
    }
    if (!excluded.isEmpty()) {
      b.append("\nexcluded nodes:\n");
      for (Exclusion e : excluded) {
        b.append("  ").append(name(e.nodeName())).append(": ").append(e.reason()).append(" - ")
            .append(Untrusted.lineSafe(e.detail())).append("\n");
      }
    }
    return b.toString();
  }

  private static String name(String name) {
    return Untrusted.lineSafe(name, Untrusted.MAX_VALUE);
  }
}
