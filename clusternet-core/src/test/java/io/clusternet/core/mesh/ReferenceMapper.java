package io.clusternet.core.mesh;

import io.clusternet.api.crypto.PublicKey;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The mapping rules of {@link MeshMapper} written the plain way: every node, every check, from
 * scratch on every call. The oracle that {@link MeshState}'s incremental updates are checked
 * against (it was the production mapper until the incremental one replaced it).
 */
final class ReferenceMapper {
  private ReferenceMapper() {}

  static DesiredMesh map(Iterable<NodeInfo> nodes, MeshMapper.Config config) {
    List<Exclusion> excluded = new ArrayList<>();
    List<DesiredPeer> candidates = new ArrayList<>();
    Map<String, NodeInfo> byName = new HashMap<>();
    for (NodeInfo node : nodes) {
      if (node.name().equals(config.selfName())) continue;
      byName.put(node.name(), node);
      MeshMapper.Result r = MeshMapper.build(node, config);
      r.peer().ifPresent(candidates::add);
      r.exclusion().ifPresent(excluded::add);
    }
    // Overlapping allowed IPs and shared endpoints first: the older node (then the smaller name)
    // keeps them, even if it is excluded for a duplicate key later, so a newcomer can never take
    // over another node's range or endpoint while that node has a problem; our own ranges always
    // win.
    candidates.sort(Comparator.comparing((DesiredPeer p) -> byName.get(p.nodeName()).created())
        .thenComparing(DesiredPeer::nodeName));
    MeshMapper.Placement placement = new MeshMapper.Placement(config);
    List<DesiredPeer> placed = new ArrayList<>();
    for (DesiredPeer p : candidates) {
      Exclusion conflict = placement.place(p);
      if (conflict != null) {
        excluded.add(conflict);
        continue;
      }
      placed.add(p);
    }
    // Duplicate keys: nobody keeps a key that two nodes claim.
    Map<PublicKey, List<DesiredPeer>> byKey = new HashMap<>();
    for (DesiredPeer p : placed) {
      byKey.computeIfAbsent(p.publicKey(), k -> new ArrayList<>()).add(p);
    }
    TreeMap<PublicKey, DesiredPeer> peers = new TreeMap<>();
    for (DesiredPeer p : placed) {
      List<DesiredPeer> same = byKey.get(p.publicKey());
      if (same.size() > 1) {
        List<String> others = same.stream().map(DesiredPeer::nodeName)
            .filter(n -> !n.equals(p.nodeName())).sorted().toList();
        excluded.add(MeshMapper.duplicateKey(p, others));
      } else {
        peers.put(p.publicKey(), p);
      }
    }
    excluded.sort(Comparator.comparing(Exclusion::nodeName));
    return new DesiredMesh(peers, excluded);
  }
}
