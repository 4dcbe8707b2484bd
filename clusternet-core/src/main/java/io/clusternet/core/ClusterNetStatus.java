package io.clusternet.core;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.mesh.Exclusion;
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
 */
public record ClusterNetStatus(String nodeName, String interfaceName, String mode,
    PublicKey publicKey, int listenPort, Health health, List<Peer> peers,
    List<Exclusion> excluded, long writes) {
  public ClusterNetStatus {
    peers = List.copyOf(peers);
    excluded = List.copyOf(excluded);
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
   */
  public record Peer(Optional<String> nodeName, PublicKey publicKey, Optional<Endpoint> endpoint,
      List<IpPrefix> allowedIps, Optional<Duration> handshakeAge, long receiveBytes,
      long transmitBytes) {
    public Peer {
      allowedIps = List.copyOf(allowedIps);
    }
  }

  /** A table a WireGuard user recognises, like {@code wg show}, and the excluded nodes. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append("node: ").append(nodeName).append("  interface: ").append(interfaceName)
        .append(" (").append(mode).append(")\n");
    b.append("  public key: ").append(publicKey).append("\n");
    b.append("  listening port: ").append(listenPort).append("\n");
    b.append("  health: ").append(health.isHealthy() ? "healthy" : "NOT healthy")
        .append(" (running=").append(health.running()).append(", synced=")
        .append(health.informerSynced()).append(", device=").append(health.deviceUp())
        .append(", key published=").append(health.keyPublished()).append(")")
        .append(health.lastError().map(e -> "\n  last error: " + e).orElse("")).append("\n");
    for (Peer p : peers) {
      b.append("\npeer: ").append(p.publicKey())
          .append(p.nodeName().map(n -> "  (node " + n + ")").orElse("  (stray)")).append("\n");
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
        b.append("  ").append(e.nodeName()).append(": ").append(e.reason()).append(" - ")
            .append(e.detail()).append("\n");
      }
    }
    return b.toString();
  }
}
