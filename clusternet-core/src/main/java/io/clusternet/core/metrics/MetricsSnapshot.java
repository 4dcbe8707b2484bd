package io.clusternet.core.metrics;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;

/**
 * What the meters show at one moment, taken from the service's status (so the two cannot
 * disagree). Holds node names, counts and flags only: never key material.
 *
 * @param peers peers on the device (the status's peer list)
 * @param excludedByReason nodes excluded from the mesh, per reason name; every reason is a key
 *     (0 when no node has it)
 * @param running the service is running
 * @param informerSynced the node informer has its first full listing
 * @param deviceUp the WireGuard device exists and answers
 * @param keyPublished our public key is confirmed on our Node
 * @param deviceWrites backend writes since start (the status's {@code device writes})
 * @param deviceReads device reads by the reconciler since start
 * @param repairs divergences found and repaired at resyncs (the status's {@code repairs})
 * @param relists node listings after the first one (the informer's relists)
 * @param peerSamples one entry per peer that stands for a node, each node name once
 */
public record MetricsSnapshot(int peers, Map<String, Integer> excludedByReason, boolean running,
    boolean informerSynced, boolean deviceUp, boolean keyPublished, long deviceWrites,
    long deviceReads, long repairs, long relists, List<PeerSample> peerSamples) {
  public MetricsSnapshot {
    excludedByReason = Map.copyOf(excludedByReason);
    peerSamples = List.copyOf(peerSamples);
  }

  /** Healthy as the status says it: running, synced, the device up and the key published. */
  public boolean healthy() {
    return running && informerSynced && deviceUp && keyPublished;
  }

  /**
   * One peer.
   *
   * @param node the node the peer stands for (its name, never its key)
   * @param handshakeAgeSeconds seconds since the latest handshake, empty if there was none
   * @param receiveBytes bytes received from the peer
   * @param transmitBytes bytes sent to the peer
   */
  public record PeerSample(String node, OptionalDouble handshakeAgeSeconds, long receiveBytes,
      long transmitBytes) {
    public PeerSample {
      Objects.requireNonNull(node, "node");
      Objects.requireNonNull(handshakeAgeSeconds, "handshakeAgeSeconds");
    }
  }
}
