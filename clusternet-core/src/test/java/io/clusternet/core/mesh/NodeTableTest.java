package io.clusternet.core.mesh;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NodeTableTest {
  static NodeInfo node(String name, String key, String ip) {
    return new NodeInfo(name, Instant.ofEpochSecond(1), Map.of(MeshMapperTest.ANN, key),
        List.of(ip), List.of("10.244." + name.length() + ".0/24"));
  }

  @Test
  void onlyChangesClusternetReadsMoveTheVersion() {
    NodeTable t = new NodeTable();
    String k = MeshMapperTest.key();
    assertThat(t.upsert(node("a", k, "192.0.2.1"))).isTrue();
    long v = t.version();
    // A heartbeat: a new, equal NodeInfo.
    assertThat(t.upsert(node("a", k, "192.0.2.1"))).isFalse();
    assertThat(t.version()).isEqualTo(v);
    // An annotation-only change (a new key) counts.
    assertThat(t.upsert(node("a", MeshMapperTest.key(), "192.0.2.1"))).isTrue();
    assertThat(t.version()).isGreaterThan(v);
    v = t.version();
    assertThat(t.remove("a")).isTrue();
    assertThat(t.remove("a")).isFalse();
    assertThat(t.version()).isEqualTo(v + 1);
    assertThat(t.replaceAll(List.of(node("b", k, "192.0.2.2")))).isTrue();
    assertThat(t.snapshot()).extracting(NodeInfo::name).containsExactly("b");
  }

  @Test
  void theStateReparsesOnlyWhatChangedAndGivesTheSameResultAsAFreshMapping() throws Exception {
    MeshState state = new MeshState(MeshMapperTest.config());
    List<NodeInfo> v1 = List.of(node("a", MeshMapperTest.key(), "192.0.2.1"),
        node("bb", MeshMapperTest.key(), "192.0.2.2"));
    DesiredMesh first = state.sync(v1);
    List<NodeInfo> v2 = List.of(v1.get(0), node("bb", MeshMapperTest.key(), "192.0.2.9"));
    DesiredMesh second = state.sync(v2);
    assertThat(second).isEqualTo(MeshMapper.map(v2, MeshMapperTest.config()));
    DesiredPeer a1 = first.peers().values().stream().filter(p -> p.nodeName().equals("a"))
        .findFirst().orElseThrow();
    DesiredPeer a2 = second.peers().values().stream().filter(p -> p.nodeName().equals("a"))
        .findFirst().orElseThrow();
    assertThat(a2).isSameAs(a1); // not parsed again
  }

  @Test
  void changesSinceAVersionAreTheNodesTouchedSinceOncePerName() {
    NodeTable t = new NodeTable();
    String k = MeshMapperTest.key();
    t.upsert(node("a", k, "192.0.2.1"));
    t.upsert(node("bb", k, "192.0.2.2"));
    long v = t.version();
    assertThat(t.changesSince(v)).hasValueSatisfying(c -> {
      assertThat(c.upserts()).isEmpty();
      assertThat(c.removals()).isEmpty();
      assertThat(c.version()).isEqualTo(v);
    });
    t.upsert(node("a", k, "192.0.2.9"));
    t.upsert(node("a", k, "192.0.2.1")); // heartbeat-like no-op: not journalled
    t.upsert(node("a", k, "192.0.2.1"));
    t.remove("bb");
    t.upsert(node("ccc", k, "192.0.2.3"));
    NodeSource.Changes c = t.changesSince(v).orElseThrow();
    assertThat(c.version()).isEqualTo(t.version());
    assertThat(c.upserts()).extracting(NodeInfo::name).containsExactlyInAnyOrder("a", "ccc");
    assertThat(c.upserts()).filteredOn(n -> n.name().equals("a")).singleElement()
        .extracting(n -> n.internalIps().get(0)).isEqualTo("192.0.2.1"); // the current info
    assertThat(c.removals()).containsExactly("bb");
    assertThat(t.changesSince(t.version() + 1)).isEmpty(); // not a version it gave
    assertThat(t.changesSince(-1)).isEmpty();
  }

  @Test
  void aVersionOlderThanTheJournalAsksForAFullSnapshot() {
    NodeTable t = new NodeTable();
    String k = MeshMapperTest.key();
    t.upsert(node("a", k, "192.0.2.1"));
    long old = t.version();
    for (int i = 0; i <= NodeTable.JOURNAL; i++) {
      t.upsert(node("a", k, (i & 1) == 0 ? "192.0.2.2" : "192.0.2.1"));
    }
    assertThat(t.changesSince(old)).isEmpty();
    assertThat(t.changesSince(t.version() - 10)).isPresent();
  }
}
