package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Service;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.ClusterNetIncrementalTest.CountingSource;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11's faults: a hung API call, two agents with one node name, and a device broken under
 * a running service (real wireguard-go in a network namespace).
 */
class ClusterNetSelfHealingTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  final List<ClusterNet> nets = new ArrayList<>();
  final List<AutoCloseable> closeLast = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (ClusterNet n : nets) {
      try {
        n.stopAsync().awaitTerminated();
      } catch (IllegalStateException failed) {
        // FAILED: it removed what it had set up
      }
    }
    for (int i = closeLast.size() - 1; i >= 0; i--) closeLast.get(i).close();
  }

  static String newKey() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  static NodeInfo node(String name, int i, String key) {
    return new NodeInfo(name, Instant.ofEpochSecond(1_000 + i),
        key == null ? Map.of() : Map.of(ANN, key), List.of("192.0.2." + i),
        List.of("10.244." + i + ".0/24"));
  }

  static Set<String> peerNodes(ClusterNet net) {
    return net.status().peers().stream().map(p -> p.nodeName().orElse("stray"))
        .collect(Collectors.toSet());
  }

  /**
   * Bug 3: an API server that accepts connections and never answers. Publishing hangs until its
   * deadline, again and again; the mesh follows node changes all the while, and health says the
   * publication is failing. At commit 6effdf4 publishing ran on the reconciliation thread with
   * no deadline: no peer was ever added.
   */
  @Test
  void aHungApiCallNeverHoldsUpTheMesh() throws Exception {
    ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    closeLast.add(silent);
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    CountingSource source = new CountingSource();
    source.upsert(node("n0", 0, null));
    source.upsert(node("n1", 1, newKey()));
    ClusterNet net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:" + silent.getLocalPort())
            .build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .nodeSource(source)
        .apiCallTimeout(Duration.ofSeconds(1))
        .build();
    nets.add(net);
    net.startAsync().awaitRunning();

    await("n1 is a peer while publishing hangs", WAIT, () -> peerNodes(net).equals(Set.of("n1")));
    source.upsert(node("n2", 2, newKey()));
    await("n2 added", WAIT, () -> peerNodes(net).equals(Set.of("n1", "n2")));
    source.remove("n1");
    await("n1 removed", WAIT, () -> peerNodes(net).equals(Set.of("n2")));
    await("health tells the publication is failing", WAIT, () -> {
      ClusterNetStatus.Health h = net.health();
      return !h.keyPublished() && !h.isHealthy()
          && h.lastError().filter(e -> e.contains("publishing the key")).isPresent();
    });
  }

  /**
   * Bug 4: two agents with the same node name (different keys) and one observer. They used to
   * overwrite each other's key as fast as the API server allowed (1,839 flips in 20 s; the
   * observer rewrote its device 8,354 times). Now each backs off (1 s, 2 s, 4 s, …) and reports
   * the conflict with both keys' fingerprints.
   */
  @Test
  void twoAgentsWithOneNodeNameBackOffAndReportTheConflict() throws Exception {
    FakeApiServer api = FakeApiServer.startOnRandomPort();
    closeLast.add(api);
    api.createNode("twin", "192.0.2.1", List.of("10.244.1.0/24"), null);
    api.createNode("watcher", "192.0.2.2", List.of("10.244.2.0/24"), null);
    List<FakeWireGuardBackend> devices = new ArrayList<>();
    String[] names = {"twin", "twin", "watcher"};
    for (int i = 0; i < 3; i++) {
      FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
      wg.createDevice("clusternet");
      devices.add(wg);
      ClusterNet net = ClusterNet.builder()
          .nodeName(names[i])
          .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
          .storageRoot(tmp.resolve("n" + i))
          .backends(wg, Optional.empty())
          .resyncPeriod(Duration.ofSeconds(1))
          .build();
      nets.add(net);
      net.startAsync();
    }
    for (ClusterNet n : nets) n.awaitRunning();
    String a = nets.get(0).publicKey().toBase64();
    String b = nets.get(1).publicKey().toBase64();

    // Watch the annotation for 8 s and count how often it changes hands.
    int flips = 0;
    String last = null;
    long end = System.nanoTime() + Duration.ofSeconds(8).toNanos();
    while (System.nanoTime() < end) {
      String now = api.nodeAnnotation("twin", ANN);
      if (now != null && !now.equals(last)) {
        if (last != null) flips++;
        last = now;
      }
      Thread.sleep(5);
    }
    assertThat(flips).as("the annotation changed hands").isLessThanOrEqualTo(12);
    for (int i = 0; i < 2; i++) {
      int me = i;
      await("twin " + i + " reports the conflict", WAIT, () -> nets.get(me).health().lastError()
          .filter(e -> e.contains("key conflict") && e.contains(a.substring(0, 8))
              && e.contains(b.substring(0, 8))).isPresent());
      assertThat(nets.get(i).health().isHealthy()).isFalse();
      assertThat(nets.get(i).health().lastError().orElseThrow())
          .doesNotContain(a).doesNotContain(b); // fingerprints, not whole keys
    }
    assertThat(nets.get(2).backendWrites()).as("the observer's device writes")
        .isLessThanOrEqualTo(20);
  }

  /**
   * Bug 2, on real wireguard-go: the daemon killed, the interface deleted, a route deleted, the
   * link set down: each is noticed and restored (peers included) while the service stays
   * RUNNING; a device that cannot be restored fails the service after the restore timeout.
   */
  @Test
  void aBrokenDeviceIsRestoredOrTheServiceFails() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go, rtnetlink");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    String iface = "sh" + tag;
    NetworkNamespace ns = NetworkNamespace.create("csh");
    closeLast.add(ns);
    NetlinkLinkBackend links = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()));
    closeLast.add(links::close);
    FakeApiServer api = FakeApiServer.startOnRandomPort();
    closeLast.add(api);
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    String peerKey = newKey();
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, peerKey));
    UapiWireGuardBackend uapi = UapiWireGuardBackend.create();
    java.util.concurrent.ScheduledExecutorService scheduler =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
    closeLast.add(scheduler::shutdownNow);
    ClusterNet net = ClusterNet.builder()
        .scheduler(scheduler)
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
        .storageRoot(tmp.resolve("state"))
        .interfaceName(iface)
        .userspace(WireGuardGoProcess.builder(iface).networkNamespace(ns.name()))
        .linkBackend(links)
        .interfaceAddress(InterfaceAddress.parse("10.244.0.1/32"))
        .clusterCidr(IpPrefix.parse("10.244.0.0/16"))
        .resyncPeriod(Duration.ofSeconds(1))
        .deviceCheckPeriod(Duration.ofMillis(200))
        .deviceRestoreTimeout(Duration.ofSeconds(5))
        .build();
    nets.add(net);
    net.startAsync().awaitRunning();
    PublicKey peer = PublicKey.fromBase64(peerKey);
    await("converged", WAIT, () -> whole(net, uapi, links, iface, peer));

    // 1. The daemon killed (SIGKILL, by its PID).
    long pid = daemonPid(iface);
    Commands.run("kill", "-9", Long.toString(pid));
    await("a new daemon, peers back", WAIT, () -> daemonPidOrZero(iface) != pid
        && whole(net, uapi, links, iface, peer));

    // 2. The interface deleted by hand (wireguard-go exits with it).
    ns.ip("link", "del", iface);
    await("interface restored", WAIT, () -> whole(net, uapi, links, iface, peer));

    // 3. The route deleted, 4. the link set down.
    ns.ip("route", "del", "10.244.0.0/16", "dev", iface);
    await("route restored", WAIT, () -> whole(net, uapi, links, iface, peer));
    ns.ip("link", "set", iface, "down");
    await("link up again", WAIT, () -> whole(net, uapi, links, iface, peer));
    assertThat(net.state()).isEqualTo(Service.State.RUNNING);

    // 5. Restoring is impossible (the name is taken by a veth): after the
    // restore timeout the service fails, saying why.
    // The service's scheduler is held while the test breaks things, so it cannot win the race.
    java.util.concurrent.CountDownLatch hold = new java.util.concurrent.CountDownLatch(1);
    java.util.concurrent.CountDownLatch held = new java.util.concurrent.CountDownLatch(1);
    scheduler.execute(() -> {
      held.countDown();
      try {
        hold.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    held.await();
    long pid2 = daemonPid(iface);
    Commands.run("kill", "-9", Long.toString(pid2));
    await("daemon gone", WAIT, () -> daemonPidOrZero(iface) == 0);
    await("its interface gone", WAIT, () -> {
      try {
        return links.link(iface).isEmpty();
      } catch (Exception e) {
        return false;
      }
    });
    ns.ip("link", "add", iface, "type", "veth", "peer", "name", iface + "p");
    hold.countDown();
    await("health says what is wrong", WAIT, () -> !net.health().isHealthy()
        && net.health().lastError().filter(e -> e.contains("device")).isPresent());
    await("FAILED after the restore timeout", WAIT,
        () -> net.state() == Service.State.FAILED);
    assertThat(net.failureCause()).hasMessageContaining("could not be restored");
    assertThat(links.link(iface)).as("the veth it did not create is left alone").isPresent();
    ns.ip("link", "del", iface);
  }

  static boolean whole(ClusterNet net, UapiWireGuardBackend uapi, NetlinkLinkBackend links,
      String iface, PublicKey peer) {
    try {
      return uapi.device(iface).map(d -> d.peers().stream().map(PeerState::publicKey)
          .toList().contains(peer)).orElse(false)
          && links.link(iface).map(l -> l.up()).orElse(false)
          && links.routes(ClusterNet.ROUTE_PROTOCOL).stream()
              .anyMatch(r -> r.destination().toString().equals("10.244.0.0/16"))
          && links.addresses(iface).contains(InterfaceAddress.parse("10.244.0.1/32"))
          && net.health().isHealthy();
    } catch (Exception e) {
      return false;
    }
  }

  /** The PID of the wireguard-go serving this (uniquely named) interface. */
  static long daemonPid(String iface) throws Exception {
    long pid = daemonPidOrZero(iface);
    if (pid == 0) throw new AssertionError("no wireguard-go for " + iface);
    return pid;
  }

  static long daemonPidOrZero(String iface) {
    return ProcessHandle.allProcesses().filter(p -> {
      try {
        String cmd = Files.readString(Path.of("/proc", Long.toString(p.pid()), "cmdline"))
            .replace('\0', ' ');
        return cmd.contains("wireguard-go") && cmd.contains(" " + iface);
      } catch (Exception e) {
        return false;
      }
    }).mapToLong(ProcessHandle::pid).findFirst().orElse(0);
  }
}
