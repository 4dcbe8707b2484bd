package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;

/**
 * {@link MeshState}'s incremental updates against {@link ReferenceMapper}, the plain full mapping:
 * after every change of a random sequence the two must agree exactly (peers, and every exclusion
 * with its reason and message), on sequences from {@link MeshGenerators#steps()}.
 */
class MeshStateTest {
  @Test
  void incrementalUpdatesAlwaysEqualAFullMapping() throws Exception {
    for (MeshMapper.Config config : MeshGenerators.configs()) {
      Props.check(400, MeshGenerators.steps(),
          steps -> incrementalUpdatesEqualAFullMapping(config, steps));
    }
  }

  private static void incrementalUpdatesEqualAFullMapping(MeshMapper.Config config,
      List<MeshGenerators.Step> steps) throws Exception {
    MeshState state = new MeshState(config);
    Map<String, NodeInfo> cluster = new LinkedHashMap<>();
    for (MeshGenerators.Step s : steps) {
      DesiredMesh before = state.mesh();
      DesiredMesh got;
      switch (s.kind()) {
        case UPSERT -> {
          cluster.put(s.node().name(), s.node());
          got = state.update(List.of(s.node()), List.of());
        }
        case REMOVE -> {
          cluster.remove(s.node().name());
          got = state.update(List.of(), List.of(s.node().name()));
        }
        default -> { // SNAPSHOT
          cluster.clear();
          for (NodeInfo n : s.snapshot()) cluster.put(n.name(), n); // names unique, last wins
          got = state.sync(new ArrayList<>(cluster.values()));
        }
      }
      DesiredMesh want = ReferenceMapper.map(cluster.values(), config);
      assertThat(got).isSameAs(state.mesh());
      assertThat(got.peers()).isEqualTo(want.peers());
      assertThat(got.excluded()).isEqualTo(want.excluded());
      if (want.equals(before)) assertThat(got).isSameAs(before); // no change, no new mesh
      // The changed keys it reports are exactly the entries that are not the same object.
      java.util.Set<io.clusternet.api.crypto.PublicKey> differ = new java.util.TreeSet<>();
      for (var k : before.peers().keySet()) {
        if (got.peers().get(k) != before.peers().get(k)) differ.add(k);
      }
      for (var k : got.peers().keySet()) {
        if (got.peers().get(k) != before.peers().get(k)) differ.add(k);
      }
      assertThat(got.changedSince(before)).contains(differ);
      if (got != before) assertThat(before.changedSince(got)).isEmpty(); // only forwards
      // Syncing the same content again changes nothing, and returns the same instance.
      assertThat(state.sync(new ArrayList<>(cluster.values()))).isSameAs(got);
    }
  }

  @Test
  void oneChangedNodeReplacesOnlyItsOwnPeer() throws Exception {
    List<NodeInfo> nodes = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      nodes.add(MeshMapperTest.node("n" + i, i, MeshMapperTest.key(), List.of("192.0.2." + i),
          List.of("10.244." + (i + 1) + ".0/24")));
    }
    MeshState state = new MeshState(MeshMapperTest.config());
    DesiredMesh first = state.sync(nodes);
    assertThat(first.peers()).hasSize(200);
    NodeInfo n = nodes.get(7);
    nodes.set(7, new NodeInfo(n.name(), n.created(), n.annotations(), List.of("198.51.100.7"),
        n.podCidrs()));
    DesiredMesh second = state.sync(nodes);
    assertThat(second).isNotSameAs(first);
    int same = 0;
    for (var e : second.peers().entrySet()) {
      if (e.getValue() == first.peers().get(e.getKey())) same++;
    }
    assertThat(same).isEqualTo(199); // every other peer is the very same instance
    assertThat(second.peers()).isEqualTo(ReferenceMapper.map(nodes, MeshMapperTest.config()).peers());
  }

  @Test
  void aRemovedOlderNodeHandsItsRangeToTheNodeItBlocked() throws Exception {
    String k1 = MeshMapperTest.key();
    String k2 = MeshMapperTest.key();
    NodeInfo older = MeshMapperTest.node("older", 1, k1, List.of("192.0.2.2"),
        List.of("10.244.1.0/24"));
    NodeInfo newer = MeshMapperTest.node("newer", 2, k2, List.of("192.0.2.3"),
        List.of("10.244.1.0/25"));
    MeshState state = new MeshState(MeshMapperTest.config());
    assertThat(state.sync(List.of(older, newer)).excluded()).extracting(Exclusion::reason)
        .containsExactly(Exclusion.Reason.OVERLAPPING_ALLOWED_IPS);
    DesiredMesh after = state.update(List.of(), List.of("older"));
    assertThat(after.excluded()).isEmpty();
    assertThat(after.peers().values()).extracting(DesiredPeer::nodeName).containsExactly("newer");
  }
}
