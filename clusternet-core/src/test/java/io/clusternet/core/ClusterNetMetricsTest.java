package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's meters (issue 14, item 1) against a {@link SimpleMeterRegistry}: each value
 * equals what {@link ClusterNet#status()} says, per-peer meters follow the peers (tagged with the
 * node's name, removed when the node leaves), and every meter is gone after stop.
 */
class ClusterNetMetricsTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir Path tmp;
  FakeApiServer api;
  ApiClient client;
  FakeWireGuardBackend wg;
  ClusterNet net;

  @BeforeEach
  void setUp() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    client = new ClientBuilder().setBasePath(api.url()).build();
    wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
  }

  @AfterEach
  void tearDown() {
    if (net != null && net.isRunning()) net.stopAsync().awaitTerminated();
    api.close();
  }

  static String newKey() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  ClusterNet start(io.micrometer.core.instrument.MeterRegistry registry) {
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(client)
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .resyncPeriod(Duration.ofMillis(500))
        .meterRegistry(registry)
        .build();
    net.startAsync().awaitRunning();
    return net;
  }

  static double gauge(SimpleMeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).gauge().value();
  }

  static double counter(SimpleMeterRegistry r, String name, String... tags) {
    return r.get(name).tags(tags).functionCounter().count();
  }

  static Set<String> taggedNodes(SimpleMeterRegistry r, String name) {
    return r.find(name).meters().stream().map(m -> m.getId().getTag("node"))
        .collect(Collectors.toSet());
  }

  Set<PublicKey> peerKeys() {
    return wg.device("clusternet").orElseThrow().peers().stream().map(PeerState::publicKey)
        .collect(Collectors.toSet());
  }

  @Test
  void metersEqualTheStatusAndFollowThePeers() throws Exception {
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, newKey()));
    api.createNode("n2", "192.0.2.3", List.of("10.244.2.0/24"), Map.of(ANN, newKey()));
    api.createNode("nokey", "192.0.2.4", List.of("10.244.4.0/24"), Map.of());
    api.createNode("badkey", "192.0.2.5", List.of("10.244.5.0/24"), Map.of(ANN, "not-a-key"));
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    start(r);
    await("two peers, healthy", WAIT, () -> peerKeys().size() == 2 && net.health().isHealthy());
    // The meters read a snapshot at most 1 s old: wait until it is one of the converged mesh.
    await("meters caught up", WAIT, () -> gauge(r, "clusternet.peers") == 2
        && gauge(r, "clusternet.healthy") == 1
        && counter(r, "clusternet.device.writes") == net.backendWrites());

    ClusterNetStatus s = net.status();
    assertThat(s.peers()).hasSize(2);
    assertThat(gauge(r, "clusternet.peers")).isEqualTo(s.peers().size());
    assertThat(gauge(r, "clusternet.healthy")).isEqualTo(1);
    assertThat(gauge(r, "clusternet.device.up")).isEqualTo(1);
    assertThat(gauge(r, "clusternet.key.published")).isEqualTo(1);
    assertThat(gauge(r, "clusternet.informer.synced")).isEqualTo(1);
    assertThat(counter(r, "clusternet.device.writes")).isEqualTo(s.writes()).isPositive();
    assertThat(counter(r, "clusternet.repairs")).isEqualTo(s.repairs()).isZero();
    assertThat(counter(r, "clusternet.device.reads")).isPositive();
    assertThat(counter(r, "clusternet.informer.relists")).isZero();
    for (Exclusion.Reason reason : Exclusion.Reason.values()) {
      long inStatus = s.excluded().stream().filter(e -> e.reason() == reason).count();
      assertThat(gauge(r, "clusternet.excluded.nodes", "reason", reason.name()))
          .as(reason.name()).isEqualTo(inStatus);
    }
    assertThat(gauge(r, "clusternet.excluded.nodes", "reason", "NO_KEY")).isEqualTo(1);
    assertThat(gauge(r, "clusternet.excluded.nodes", "reason", "BAD_KEY")).isEqualTo(1);
    for (String m : List.of("clusternet.peer.handshake.age", "clusternet.peer.receive",
        "clusternet.peer.transmit")) {
      assertThat(taggedNodes(r, m)).as(m).containsExactlyInAnyOrder("n1", "n2");
    }
    // The fake backend has no handshakes or traffic, as the status says.
    for (ClusterNetStatus.Peer p : s.peers()) {
      String node = p.nodeName().orElseThrow();
      assertThat(p.handshakeAge()).isEmpty();
      assertThat(gauge(r, "clusternet.peer.handshake.age", "node", node)).isNaN();
      assertThat(counter(r, "clusternet.peer.receive", "node", node)).isEqualTo(p.receiveBytes());
      assertThat(counter(r, "clusternet.peer.transmit", "node", node))
          .isEqualTo(p.transmitBytes());
    }
    Timer ok = r.get("clusternet.reconcile").tags("result", "success").timer();
    assertThat(ok.count()).isPositive();
    assertThat(ok.totalTime(java.util.concurrent.TimeUnit.NANOSECONDS)).isPositive();
    assertThat(r.get("clusternet.reconcile").tags("result", "failure").timer().count()).isZero();

    // A node that leaves takes its meters along (a churning cluster leaks none); one that
    // arrives gets them.
    api.deleteNode("n2");
    api.createNode("n3", "192.0.2.6", List.of("10.244.3.0/24"), Map.of(ANN, newKey()));
    await("n2's meters gone, n3's there", WAIT,
        () -> taggedNodes(r, "clusternet.peer.receive").equals(Set.of("n1", "n3"))
            && taggedNodes(r, "clusternet.peer.handshake.age").equals(Set.of("n1", "n3"))
            && taggedNodes(r, "clusternet.peer.transmit").equals(Set.of("n1", "n3")));

    // A relist (the watch ends with 410 Gone) is counted.
    api.compact();
    api.closeWatches();
    await("a relist counted", WAIT, () -> counter(r, "clusternet.informer.relists") >= 1);

    // Stop removes every meter.
    net.stopAsync().awaitTerminated();
    assertThat(r.getMeters()).isEmpty();
  }

  @Test
  void aFailedReconciliationIsTimedAsAFailure() throws Exception {
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    SimpleMeterRegistry r = new SimpleMeterRegistry();
    start(r);
    await("healthy", WAIT, () -> net.health().isHealthy());
    wg.failNextConfigure(new io.clusternet.api.backend.BackendException(
        io.clusternet.api.backend.BackendException.Reason.IO_ERROR, "configure", "boom"), 0);
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, newKey()));
    await("one peer", WAIT, () -> peerKeys().size() == 1);
    assertThat(r.get("clusternet.reconcile").tags("result", "failure").timer().count())
        .isGreaterThanOrEqualTo(1);
  }

  @Test
  void prometheusNamesAreTheDocumentedOnesAndNoKeyAppears() throws Exception {
    String k1 = newKey();
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, k1));
    PrometheusMeterRegistry r = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    start(r);
    await("one peer, healthy", WAIT, () -> peerKeys().size() == 1 && net.health().isHealthy());
    await("meters caught up", WAIT, () -> r.scrape().contains("clusternet_peers 1.0")
        && r.scrape().contains("clusternet_healthy 1.0"));
    String text = r.scrape();
    Set<String> names = text.lines().filter(l -> !l.startsWith("#") && !l.isBlank())
        .map(l -> l.replaceAll("[{ ].*", "")).collect(Collectors.toSet());
    assertThat(names).containsExactlyInAnyOrder(
        "clusternet_peers", "clusternet_healthy", "clusternet_device_up",
        "clusternet_key_published", "clusternet_informer_synced",
        "clusternet_device_writes_total", "clusternet_device_reads_total",
        "clusternet_repairs_total", "clusternet_informer_relists_total",
        "clusternet_excluded_nodes",
        "clusternet_reconcile_seconds_count", "clusternet_reconcile_seconds_sum",
        "clusternet_reconcile_seconds_max",
        "clusternet_peer_handshake_age_seconds", "clusternet_peer_receive_bytes_total",
        "clusternet_peer_transmit_bytes_total");
    assertThat(text).contains("clusternet_peers 1.0").contains("node=\"n1\"")
        .contains("reason=\"NO_KEY\"");
    // Only names and numbers: neither key appears, in any encoding.
    assertThat(text).doesNotContain(k1).doesNotContain(net.publicKey().toBase64());
  }
}
