package io.clusternet.core;

import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.metrics.MetricsSnapshot;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;

/** The meters' values, read off a {@link ClusterNetStatus}, so the two cannot disagree. */
final class StatusMetrics {
  private StatusMetrics() {}

  /**
   * @param status the status the values come from
   * @param deviceReads device reads by the reconciler (not in the status)
   * @param relists the informer's relists (not in the status)
   */
  static MetricsSnapshot of(ClusterNetStatus status, long deviceReads, long relists) {
    Map<Exclusion.Reason, Integer> counts = new EnumMap<>(Exclusion.Reason.class);
    for (Exclusion.Reason r : Exclusion.Reason.values()) counts.put(r, 0);
    for (Exclusion e : status.excluded()) counts.merge(e.reason(), 1, Integer::sum);
    Map<String, Integer> byReason = new LinkedHashMap<>();
    counts.forEach((r, n) -> byReason.put(r.name(), n));

    List<MetricsSnapshot.PeerSample> peers = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (ClusterNetStatus.Peer p : status.peers()) {
      // A stray peer (no node) is about to be removed; node names are unique in the mesh.
      if (p.nodeName().isEmpty() || !seen.add(p.nodeName().get())) continue;
      OptionalDouble age = p.handshakeAge().isPresent()
          ? OptionalDouble.of(p.handshakeAge().get().toMillis() / 1000.0) : OptionalDouble.empty();
      peers.add(new MetricsSnapshot.PeerSample(p.nodeName().get(), age, p.receiveBytes(),
          p.transmitBytes()));
    }
    ClusterNetStatus.Health h = status.health();
    return new MetricsSnapshot(status.peers().size(), byReason, h.running(), h.informerSynced(),
        h.deviceUp(), h.keyPublished(), status.writes(), deviceReads, status.repairs(), relists,
        peers);
  }
}
