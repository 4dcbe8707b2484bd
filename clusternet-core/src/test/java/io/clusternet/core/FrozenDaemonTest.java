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
 * Issue 11 item 2's kind, for a wireguard-go that is alive but does not answer (SIGSTOP: a
 * daemon stuck in the kernel, swapped out, or frozen by a cgroup freezer looks the same). Found by
 * the breaker session on real wireguard-go in a network namespace: the watchdog's cheap check
 * (daemon alive by PID, link up, addresses, routes) passes, so nothing is restored and the
 * service never fails; {@code health()} itself reads the whole device over UAPI with the backend's
 * 60 s deadline, so each call blocks (the agent's /readyz with it, beyond any probe timeout).
 * Measured (load average 15-20): health() took 60,005, 60,003 and 60,009 ms (3 of 3 runs, the
 * last on main 54a3b37 with StatusReport) and then said deviceUp=false with no lastError (no
 * reason given); 80 s after the freeze, with a 5 s deviceRestoreTimeout, the service was still
 * RUNNING with the same frozen daemon (2 of 2).
 */
class FrozenDaemonTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  final List<AutoCloseable> closeLast = new ArrayList<>();
  long stoppedPid;

  @AfterEach
  void cleanUp() throws Exception {
    if (stoppedPid != 0) {
      try {
        Commands.run("kill", "-CONT", Long.toString(stoppedPid));
      } catch (java.io.IOException gone) {
        // replaced: the service killed it (the fix)
      }
    }
    for (int i = closeLast.size() - 1; i >= 0; i--) closeLast.get(i).close();
  }

  @Test
  void aFrozenDaemonIsNoticedPromptlyAndHealthNeverHangs() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go, rtnetlink");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    String iface = "fz" + HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
    NetworkNamespace ns = NetworkNamespace.create("cfz");
    closeLast.add(ns);
    NetlinkLinkBackend links = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()));
    closeLast.add(links::close);
    FakeApiServer api = FakeApiServer.startOnRandomPort();
    closeLast.add(api);
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    String peerKey = ClusterNetSelfHealingTest.newKey();
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, peerKey));
    ClusterNet net = ClusterNet.builder()
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
    closeLast.add(() -> {
      try {
        net.stopAsync().awaitTerminated(Duration.ofSeconds(90));
      } catch (IllegalStateException failed) {
        // FAILED: it removed what it had set up
      }
    });
    net.startAsync().awaitRunning();
    UapiWireGuardBackend uapi = UapiWireGuardBackend.create();
    PublicKey peer = PublicKey.fromBase64(peerKey);
    await("converged", WAIT, () -> ClusterNetSelfHealingTest.whole(net, uapi, links, iface,
        peer));

    stoppedPid = ClusterNetSelfHealingTest.daemonPid(iface);
    Commands.run("kill", "-STOP", Long.toString(stoppedPid));
    long t0 = System.nanoTime();
    ClusterNetStatus.Health h = net.health();
    long healthMillis = (System.nanoTime() - t0) / 1_000_000;
    // Within the restore timeout (5 s) and a margin: a new daemon, or the service FAILED.
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    boolean handled = false;
    long slowestHealth = healthMillis;
    Optional<String> said = Optional.empty();
    while (!handled && System.nanoTime() < deadline) {
      handled = net.state() != Service.State.RUNNING
          || ClusterNetSelfHealingTest.daemonPidOrZero(iface) != stoppedPid;
      long t1 = System.nanoTime();
      Optional<String> error = net.health().lastError();
      slowestHealth = Math.max(slowestHealth, (System.nanoTime() - t1) / 1_000_000);
      if (error.filter(e -> e.startsWith("device: wireguard-go does not answer")).isPresent()) {
        said = error;
      }
      Thread.sleep(200);
    }
    long slowest = slowestHealth;
    Optional<String> reason = said;
    String state = net.state().toString();
    boolean handledInTime = handled;
    org.assertj.core.api.SoftAssertions.assertSoftly(soft -> {
      soft.assertThat(healthMillis)
          .as("ms one health() call took with the daemon frozen (it returned " + h + ")")
          .isLessThan(2_000);
      soft.assertThat(slowest).as("ms the slowest health() call took meanwhile").isLessThan(2_000);
      soft.assertThat(reason).as("health() says why while the frozen daemon is replaced")
          .hasValueSatisfying(e -> assertThat(e).contains(iface).contains("5 s"));
      soft.assertThat(handledInTime).as("the frozen daemon replaced, or the service failed, within "
          + "20 s of the freeze plus the first health() call (state " + state + ")").isTrue();
    });
  }
}
