package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.mesh.NodeTable;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Between resyncs the service applies node changes incrementally (the source's journal, not a
 * full snapshot), and the device always ends up exactly where a full mapping says; a change to
 * our own node takes the full path.
 */
class ClusterNetIncrementalTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(20);

  /** A node source over a {@link NodeTable} that counts how it is read. */
  static final class CountingSource implements NodeSource {
    final NodeTable table = new NodeTable();
    final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    final AtomicInteger snapshots = new AtomicInteger();
    final AtomicInteger journalReads = new AtomicInteger();

    @Override
    public List<NodeInfo> snapshot() {
      snapshots.incrementAndGet();
      return table.snapshot();
    }

    @Override
    public boolean hasSynced() {
      return true;
    }

    @Override
    public void onChange(Runnable listener) {
      listeners.add(listener);
    }

    @Override
    public long version() {
      return table.version();
    }

    @Override
    public Optional<Changes> changesSince(long version) {
      journalReads.incrementAndGet();
      return table.changesSince(version);
    }

    void upsert(NodeInfo n) {
      if (table.upsert(n)) listeners.forEach(Runnable::run);
    }

    void remove(String name) {
      if (table.remove(name)) listeners.forEach(Runnable::run);
    }
  }

  @TempDir Path tmp;
  FakeApiServer api;
  ClusterNet net;

  @AfterEach
  void tearDown() {
    if (net != null) net.stopAsync().awaitTerminated();
    if (api != null) api.close();
  }

  static NodeInfo node(int i, String key, String ip) {
    return new NodeInfo("n" + i, Instant.ofEpochSecond(1_000 + i), Map.of(ANN, key), List.of(ip),
        List.of("10." + (i >> 8) + "." + (i & 255) + ".0/24"));
  }

  @Test
  void nodeChangesBetweenResyncsAreAppliedFromTheJournal() throws Exception {
    api = FakeApiServer.startOnRandomPort(); // only for publishing our key
    // Our own InternalIP is one no other node has (a node with it would be DUPLICATE_ENDPOINT).
    api.createNode("n0", "198.51.100.1", List.of("10.0.0.0/24"), null);
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    CountingSource source = new CountingSource();
    source.upsert(new NodeInfo("n0", Instant.ofEpochSecond(1_000), Map.of(),
        List.of("198.51.100.1"), List.of("10.0.0.0/24")));
    for (int i = 1; i <= 200; i++) {
      source.upsert(node(i, X25519.publicKey(X25519.generatePrivateKey()).toBase64(),
          "192.0.2." + i));
    }
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .nodeSource(source)
        .resyncPeriod(Duration.ofHours(1)) // no full snapshot from the clock during the test
        .build();
    net.startAsync().awaitRunning();
    await("200 peers", WAIT, () -> peers(wg).size() == 200);
    int snapshots = source.snapshots.get();
    long writes = net.backendWrites();

    // One node moves: one write, no snapshot, the journal was read.
    NodeInfo n7 = source.table.snapshot().stream().filter(n -> n.name().equals("n7"))
        .findFirst().orElseThrow();
    source.upsert(new NodeInfo("n7", n7.created(), n7.annotations(), List.of("198.51.100.7"),
        n7.podCidrs()));
    PublicKey k7 = PublicKey.fromBase64(n7.annotations().get(ANN));
    await("n7's new endpoint", WAIT, () -> wg.device("clusternet").orElseThrow().peer(k7)
        .orElseThrow().endpoint().orElseThrow().toString().equals("198.51.100.7:51820"));
    assertThat(net.backendWrites()).isEqualTo(writes + 1);
    assertThat(source.snapshots.get()).as("no full snapshot").isEqualTo(snapshots);
    assertThat(source.journalReads.get()).isPositive();

    // A burst: removals, additions, a takeover of a removed node's range, a duplicate key.
    source.remove("n10");
    source.remove("n11");
    source.upsert(node(300, X25519.publicKey(X25519.generatePrivateKey()).toBase64(),
        "192.0.2.250"));
    source.upsert(new NodeInfo("n301", Instant.ofEpochSecond(5_000),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()),
        List.of("192.0.2.251"), List.of("10.0.10.0/24"))); // n10's range, free now
    source.upsert(new NodeInfo("n302", Instant.ofEpochSecond(5_001),
        Map.of(ANN, n7.annotations().get(ANN)), List.of("192.0.2.252"),
        List.of("10.9.9.0/24"))); // n7's key: neither keeps it
    MeshMapper.Config config = new MeshMapper.Config("n0", net.publicKey(),
        List.of(IpPrefix.parse("10.0.0.0/24")), ANN, 51820,
        MeshMapper.AddressFamily.PREFER_IPV4, false, Duration.ZERO);
    await("the device equals a full mapping", WAIT, () -> peers(wg).equals(
        MeshMapper.map(source.table.snapshot(), config).peers().keySet()));
    assertThat(peers(wg)).doesNotContain(k7).hasSize(200 - 2 + 2 - 1);
    assertThat(source.snapshots.get()).as("still no full snapshot").isEqualTo(snapshots);

    // Our own node changes: the full path (our pod CIDRs are part of the mapping).
    source.upsert(new NodeInfo("n0", Instant.ofEpochSecond(1_000),
        Map.of(ANN, net.publicKey().toBase64()), List.of("198.51.100.1"),
        List.of("10.0.0.0/23")));
    await("a full snapshot for our own node", WAIT,
        () -> source.snapshots.get() > snapshots);
    MeshMapper.Config wider = new MeshMapper.Config("n0", net.publicKey(),
        List.of(IpPrefix.parse("10.0.0.0/23")), ANN, 51820,
        MeshMapper.AddressFamily.PREFER_IPV4, false, Duration.ZERO);
    await("n1 (10.0.1.0/24) now overlaps our range", WAIT, () -> peers(wg).equals(
        MeshMapper.map(source.table.snapshot(), wider).peers().keySet()));
    PublicKey k1 = PublicKey.fromBase64(source.table.snapshot().stream()
        .filter(n -> n.name().equals("n1")).findFirst().orElseThrow().annotations().get(ANN));
    assertThat(peers(wg)).doesNotContain(k1);
  }

  static Set<PublicKey> peers(FakeWireGuardBackend wg) {
    return wg.device("clusternet").orElseThrow().peers().stream().map(PeerState::publicKey)
        .collect(Collectors.toSet());
  }
}
