package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13, item 13, on real wireguard-go: two nodes in network namespaces, n1 with persistent
 * keepalive 1 s. Once they converge, n1's source address moves (a second address on its underlay
 * link, the configured one removed), so its configured endpoint no longer works, as behind a
 * NAT (see {@link #moveN1} for wireguard-go's cached source); n0's WireGuard roams n1's endpoint to the new address from n1's authenticated keepalives.
 * Under {@link EndpointPolicy#ROAMING} n0 keeps it across several 1 s resyncs (no writes, pings
 * work) until the handshake is stale by n0's clock; under {@link EndpointPolicy#CONFIGURED} every
 * resync writes the dead configured endpoint back.
 */
class ClusterNetRoamingTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String MOVED = "192.0.2.12";

  @TempDir Path tmp;
  FakeApiServer api;
  NamespaceNodes nodes;
  List<ClusterNet> nets = List.of();
  final UapiWireGuardBackend uapi = UapiWireGuardBackend.create();
  final ShiftedClock clock = new ShiftedClock();

  /** The system clock, shifted by a settable amount (n0's clock, to make a handshake stale). */
  static final class ShiftedClock extends Clock {
    volatile Duration shift = Duration.ZERO;

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return Instant.now().plus(shift);
    }
  }

  String iface(int i) {
    return nodes.iface(i);
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (nodes != null) nodes.close();
    if (api != null) api.close();
  }

  /** n0 (under {@code policy}) and n1 (keepalive 1 s), converged and pinging. */
  void twoNodes(EndpointPolicy policy) throws Exception {
    nodes = NamespaceNodes.create("cr", 2);
    api = FakeApiServer.startOnRandomPort();
    ApiClient client = new ClientBuilder().setBasePath(api.url()).build();
    for (int i = 0; i < 2; i++) {
      api.createNode("n" + i, NamespaceNodes.address(i), List.of(NamespaceNodes.podCidr(i)), null);
    }
    // Removing n1's primary address must keep the second one (by default the kernel drops
    // every secondary address of the subnet with it).
    assertThat(nodes.ns(1).exec("sysctl", "-w", "net.ipv4.conf.eth0.promote_secondaries=1").ok())
        .isTrue();
    for (int i = 0; i < 2; i++) {
      ClusterNet.Builder b = nodes.builder(i, "n" + i, client, tmp.resolve("n" + i));
      if (i == 0) b.endpointPolicy(policy).clock(clock);
      if (i == 1) b.persistentKeepalive(Duration.ofSeconds(1));
      nodes.start(b);
    }
    nodes.awaitRunning();
    nets = nodes.nets();
    for (int i = 0; i < 2; i++) {
      int me = i;
      await("node " + i + " has its peer", WAIT, () -> nets.get(me).status().peers().size() == 1
          && nets.get(me).status().peers().get(0).nodeName().isPresent());
    }
    assertThat(ping(0, 1)).isTrue();
    assertThat(ping(1, 0)).isTrue();
    assertThat(n1Endpoint()).contains(Endpoint.parse("192.0.2.2:51820"));
  }

  boolean ping(int from, int to) throws Exception {
    return nodes.ping(from, to);
  }

  /** n1's endpoint as n0's device reports it. */
  Optional<Endpoint> n1Endpoint() throws Exception {
    PublicKey k1 = nets.get(1).publicKey();
    return uapi.device(iface(0)).orElseThrow().peer(k1).flatMap(PeerState::endpoint);
  }

  /**
   * n1's source address moves: the configured endpoint 192.0.2.2 is gone, as behind a NAT.
   *
   * <p>wireguard-go (0.0.20220316 here) keeps sending from a cached ("sticky") source address
   * even after it is deleted, and every send then fails; it clears the cache only when the route
   * changes interface (the kernel module clears it when a send fails with EINVAL). So n1's
   * endpoint for n0 is set again, to the same value, which clears the cached source as a NAT'd
   * host's fresh socket would have none; n1's own desired state is unchanged.
   */
  void moveN1() throws Exception {
    nodes.ns(1).ip("addr", "add", MOVED + "/24", "dev", "eth0");
    nodes.ns(1).ip("addr", "del", "192.0.2.2/24", "dev", "eth0");
    assertThat(nodes.ns(1).ip("-4", "addr", "show", "dev", "eth0")).contains(MOVED)
        .doesNotContain("192.0.2.2/");
    uapi.configure(iface(1), DeviceConfig.builder().peer(PeerConfig.builder(nets.get(0)
        .publicKey()).updateOnly(true).endpoint(Endpoint.parse("192.0.2.1:51820")).build())
        .build());
  }

  boolean roamed() {
    try {
      return n1Endpoint().equals(Optional.of(Endpoint.parse(MOVED + ":51820")));
    } catch (Exception e) {
      return false;
    }
  }

  String n0Note() {
    return nets.get(0).status().peers().get(0).note().orElse("");
  }

  @Test
  void roamingKeepsTheRoamedEndpointWhileTheHandshakeIsRecent() throws Exception {
    twoNodes(EndpointPolicy.ROAMING);
    moveN1();
    await("n0 roamed n1's endpoint to " + MOVED, WAIT, this::roamed);

    // Several resyncs (each reads the device and diffs everything): the roamed endpoint stays,
    // nothing is written, and traffic flows both ways.
    long writes = nets.get(0).backendWrites();
    long reads = nets.get(0).deviceReads();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (nets.get(0).deviceReads() < reads + 5) {
      assertThat(roamed()).as("n1's endpoint on n0 stays roamed").isTrue();
      assertThat(System.nanoTime()).as("5 resyncs within " + WAIT).isLessThan(deadline);
      Thread.sleep(50);
    }
    assertThat(nets.get(0).backendWrites()).as("writes on n0 across 5 resyncs")
        .isEqualTo(writes);
    assertThat(roamed()).isTrue();
    assertThat(ping(0, 1)).isTrue();
    assertThat(ping(1, 0)).isTrue();
    assertThat(nets.get(0).backendWrites()).isEqualTo(writes);
    assertThat(n0Note()).contains("endpoint roamed from the configured 192.0.2.2:51820, kept");
    assertThat(nets.get(0).status().format())
        .contains("note: endpoint roamed from the configured 192.0.2.2:51820, kept");

    // n0's clock moves past the grace: the handshake is stale, so the configured endpoint is
    // written again (and n1's next keepalive roams it once more).
    clock.shift = EndpointPolicy.DEFAULT_GRACE.plusSeconds(10);
    await("the configured endpoint written again", WAIT,
        () -> nets.get(0).backendWrites() > writes);
    await("status says it is written back", WAIT,
        () -> n0Note().contains("the configured one is written back"));
  }

  @Test
  void configuredWritesTheConfiguredEndpointBackAtEveryResync() throws Exception {
    twoNodes(EndpointPolicy.CONFIGURED);
    moveN1();
    await("n0 roamed n1's endpoint to " + MOVED, WAIT, this::roamed);
    long writes = nets.get(0).backendWrites();
    // Today's behaviour under CONFIGURED (before the policy, always): each resync finds the
    // roamed endpoint and writes the dead configured one back.
    await("three write-backs", WAIT, () -> nets.get(0).backendWrites() >= writes + 3);
    await("n1's keepalive roams it again", WAIT, this::roamed);
    await("status names the roamed endpoint", WAIT,
        () -> n0Note().contains("the configured one is written back at the next resync "
            + "(endpoint policy CONFIGURED)"));
  }
}
