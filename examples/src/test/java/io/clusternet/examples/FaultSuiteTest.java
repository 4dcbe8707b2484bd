package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.common.util.concurrent.Service;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.localstorage.StorageException;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.Underlay;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The fault suite: a running three-node mesh (two services in this JVM, one agent in its own
 * JVM, all with real wireguard-go in network namespaces) under faults, checking that nothing is
 * lost: a SIGKILLed agent, the API server down for 30 s, a cut watch with an expired
 * resourceVersion, malformed nodes; and first starts with a bad key file or a full disk.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class FaultSuiteTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(40);

  @TempDir static Path tmp;
  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  FakeApiServer api;
  ApiClient client;
  Underlay underlay;
  final List<NetworkNamespace> ns = new ArrayList<>();
  final List<NetlinkLinkBackend> links = new ArrayList<>();
  final List<ClusterNet> nets = new ArrayList<>(); // nodes 0 and 1
  Process agent2; // node 2, its own JVM
  final UapiWireGuardBackend uapi = UapiWireGuardBackend.create();

  String iface(int i) {
    return "cf" + tag + "n" + i;
  }

  static void await(String what, Duration timeout, BooleanSupplier ok) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
      Thread.sleep(50);
    }
  }

  Set<String> peers(int i) {
    return nets.get(i).status().peers().stream().map(p -> p.nodeName().orElse("stray"))
        .collect(Collectors.toSet());
  }

  boolean ping(int from, int to) throws Exception {
    return ns.get(from).reaches("10.244." + to + ".1", 3);
  }

  Process startAgent2() throws Exception {
    Path kubeconfig = tmp.resolve("kubeconfig");
    ProcessBuilder pb = ChildJvm.builder(List.of(), NodeAgent.class,
        "--kubeconfig", kubeconfig.toString(), "--node-name", "n2", "--netns", ns.get(2).name(),
        "--interface", iface(2), "--storage-root", tmp.resolve("n2").toString(),
        "--backend", "userspace", "--interface-address", "10.244.2.1/32",
        "--cluster-cidr", "10.244.0.0/16", "--resync", "1", "--status-interval", "1",
        "--log-level", "warn");
    return pb.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(
        tmp.resolve("agent2.log").toFile())).start();
  }

  String status2() {
    try {
      Path p = tmp.resolve("n2/ephemeral/clusternet/status.txt");
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (Exception e) {
      return "";
    }
  }

  @BeforeAll
  void startMesh() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    api = FakeApiServer.startOnRandomPort();
    client = new ClientBuilder().setBasePath(api.url()).build();
    Files.writeString(tmp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "%s"}}]
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {}}]
        """.formatted(api.url()));
    underlay = Underlay.create();
    for (int i = 0; i < 3; i++) {
      NetworkNamespace n = NetworkNamespace.create("cnf-n" + i);
      ns.add(n);
      underlay.attach(n, "192.0.2." + (i + 1) + "/24");
      api.createNode("n" + i, "192.0.2." + (i + 1), List.of("10.244." + i + ".0/24"), null);
    }
    for (int i = 0; i < 2; i++) {
      links.add(NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.get(i).name())));
      ClusterNet net = ClusterNet.builder().nodeName("n" + i).kubernetes(client)
          .storageRoot(tmp.resolve("n" + i)).interfaceName(iface(i))
          .userspace(WireGuardGoProcess.builder(iface(i)).networkNamespace(ns.get(i).name()))
          .linkBackend(links.get(i))
          .interfaceAddress(InterfaceAddress.parse("10.244." + i + ".1/32"))
          .clusterCidr(IpPrefix.parse("10.244.0.0/16"))
          .resyncPeriod(Duration.ofSeconds(1)).build();
      nets.add(net);
      net.startAsync();
    }
    agent2 = startAgent2();
    for (ClusterNet n : nets) n.awaitRunning();
    await("mesh converged", WAIT, () -> peers(0).equals(Set.of("n1", "n2"))
        && peers(1).equals(Set.of("n0", "n2")) && status2().contains("health: healthy")
        && status2().contains("(node n0)") && status2().contains("(node n1)"));
    for (int i = 0; i < 3; i++) {
      for (int j = 0; j < 3; j++) {
        if (i != j) assertThat(ping(i, j)).as("ping %d -> %d", i, j).isTrue();
      }
    }
  }

  @AfterAll
  void stopMesh() throws Exception {
    if (agent2 != null) {
      agent2.toHandle().destroy();
      if (!agent2.waitFor(20, TimeUnit.SECONDS)) agent2.toHandle().destroyForcibly();
    }
    for (ClusterNet n : nets) {
      try {
        n.stopAsync().awaitTerminated();
      } catch (IllegalStateException ignored) {
        // failed earlier
      }
    }
    for (NetlinkLinkBackend l : links) l.close();
    for (NetworkNamespace n : ns) n.close();
    if (underlay != null) underlay.close();
    if (api != null) api.close();
  }

  @Test
  @Order(1)
  void aKilledAgentRestartsWithTheSameKeyAndNoChurnElsewhere() throws Exception {
    byte[] keyBefore = Files.readAllBytes(tmp.resolve("n2/data/kubernetes/clusternet/private.key"));
    long w0 = nets.get(0).backendWrites();
    long w1 = nets.get(1).backendWrites();
    agent2.toHandle().destroyForcibly(); // SIGKILL
    assertThat(agent2.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(ping(0, 2)).as("the orphaned wireguard-go keeps the tunnel up").isTrue();
    Files.deleteIfExists(tmp.resolve("n2/ephemeral/clusternet/status.txt"));
    agent2 = startAgent2();
    await("n2 back", WAIT, () -> status2().contains("health: healthy")
        && status2().contains("(node n0)") && status2().contains("(node n1)"));
    assertThat(Files.readAllBytes(tmp.resolve("n2/data/kubernetes/clusternet/private.key")))
        .isEqualTo(keyBefore);
    assertThat(ping(0, 2)).isTrue();
    assertThat(ping(2, 1)).isTrue();
    assertThat(nets.get(0).backendWrites()).as("writes on n0").isEqualTo(w0);
    assertThat(nets.get(1).backendWrites()).as("writes on n1").isEqualTo(w1);
  }

  @Test
  @Order(2)
  void theApiServerDownFor30sNeitherBreaksTunnelsNorConvergence() throws Exception {
    api.stop();
    long end = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    int pings = 0;
    while (System.nanoTime() < end) {
      assertThat(ping(0, 1)).as("ping n0 -> n1 while the API server is down").isTrue();
      assertThat(ping(2, 0)).as("ping n2 -> n0 while the API server is down").isTrue();
      pings++;
      Thread.sleep(2000);
    }
    assertThat(pings).isGreaterThanOrEqualTo(10);
    api.start();
    String k = X25519.publicKey(X25519.generatePrivateKey()).toBase64();
    api.createNode("late", "192.0.2.50", List.of("10.244.50.0/24"), Map.of(ANN, k));
    await("agents reconverge after the outage", WAIT, () -> peers(0).contains("late")
        && peers(1).contains("late") && status2().contains("(node late)"));
    api.deleteNode("late");
    await("late removed", WAIT, () -> !peers(0).contains("late") && !peers(1).contains("late"));
  }

  @Test
  @Order(3)
  void aCutWatchWithAnExpiredResourceVersionRelistsAndCatchesUp() throws Exception {
    int watchesBefore = api.watchRequests();
    api.compact();
    String k = X25519.publicKey(X25519.generatePrivateKey()).toBase64();
    api.createNode("after410", "192.0.2.51", List.of("10.244.51.0/24"), Map.of(ANN, k));
    api.compact(); // the event itself is gone from the log: only a relist can find the node
    api.closeWatches();
    await("caught up after 410", WAIT, () -> peers(0).contains("after410")
        && peers(1).contains("after410") && status2().contains("(node after410)"));
    assertThat(api.watchRequests()).isGreaterThan(watchesBefore);
    assertThat(ping(0, 1)).isTrue();
    api.deleteNode("after410");
  }

  @Test
  @Order(4)
  void malformedNodesAreExcludedWithReasonsWhileTheMeshRuns() throws Exception {
    String k1 = nets.get(1).publicKey().toBase64();
    String key = X25519.publicKey(X25519.generatePrivateKey()).toBase64();
    api.createNode("m-badkey", "192.0.2.60", List.of("10.244.60.0/24"), Map.of(ANN, "garbage"));
    api.createNode("m-badcidr", "192.0.2.61", List.of("10.244.61.0/33"), Map.of(ANN, key));
    api.createNode("m-noaddr", null, List.of("10.244.62.0/24"),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()));
    api.createNode("m-dupkey", "192.0.2.63", List.of("10.244.63.0/24"), Map.of(ANN, k1));
    api.createNode("m-overlap", "192.0.2.64", List.of("10.244.1.0/25"),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()));
    Map<String, Exclusion.Reason> expected = Map.of(
        "m-badkey", Exclusion.Reason.BAD_KEY,
        "m-badcidr", Exclusion.Reason.BAD_PREFIX,
        "m-noaddr", Exclusion.Reason.NO_ADDRESS,
        "m-dupkey", Exclusion.Reason.DUPLICATE_KEY,
        "m-overlap", Exclusion.Reason.OVERLAPPING_ALLOWED_IPS);
    await("all five excluded on n0", WAIT, () -> {
      Map<String, Exclusion.Reason> seen = nets.get(0).status().excluded().stream()
          .collect(Collectors.toMap(Exclusion::nodeName, Exclusion::reason, (a, b) -> a));
      return expected.entrySet().stream().allMatch(e -> e.getValue() == seen.get(e.getKey()));
    });
    // The duplicate key is n1's: n1 is now excluded as a duplicate too (nobody is trusted with a
    // key two nodes claim) - except on n1 itself, which sees its own key as OWN_KEY.
    assertThat(nets.get(1).status().excluded()).anySatisfy(e -> {
      assertThat(e.nodeName()).isEqualTo("m-dupkey");
      assertThat(e.reason()).isEqualTo(Exclusion.Reason.OWN_KEY);
    });
    await("n2 (its own JVM) excludes them too", WAIT, () -> status2().contains("m-badkey: BAD_KEY")
        && status2().contains("m-overlap: OVERLAPPING_ALLOWED_IPS"));
    assertThat(ping(2, 0)).isTrue();
    for (String n : expected.keySet()) api.deleteNode(n);
    await("n1 is a peer again once the duplicate is gone", WAIT, () -> peers(0).contains("n1"));
    assertThat(ping(0, 1)).isTrue();
  }

  // ------------------------------------------------------------ first starts that must fail

  ClusterNet firstStart(String node, Path root, NetworkNamespace n) {
    return ClusterNet.builder().nodeName(node).kubernetes(client).storageRoot(root)
        .interfaceName("cf" + tag + "x")
        .userspace(WireGuardGoProcess.builder("cf" + tag + "x").networkNamespace(n.name()))
        .linkBackend(links.get(0)).build();
  }

  void assertNothingHalfConfigured() throws Exception {
    assertThat(uapi.device("cf" + tag + "x")).isEmpty();
    assertThat(Files.exists(UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY
        .resolve("cf" + tag + "x.sock"))).isFalse();
    assertThat(ns.get(0).ip("link", "show")).doesNotContain("cf" + tag + "x");
  }

  @Test
  @Order(5)
  void aCorruptKeyFileAtFirstStartIsATypedErrorAndLeavesNothing() throws Exception {
    Path root = tmp.resolve("corrupt");
    Path key = root.resolve("data/kubernetes/clusternet/private.key");
    Files.createDirectories(key.getParent());
    Files.write(key, new byte[44]); // zeros, as a crashed file system may leave
    ClusterNet net = firstStart("n0", root, ns.get(0));
    net.startAsync();
    try {
      net.awaitRunning();
    } catch (IllegalStateException expected) {
      // FAILED
    }
    assertThat(net.state()).isEqualTo(Service.State.FAILED);
    assertThat(net.failureCause()).isInstanceOfSatisfying(StorageException.class,
        e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.MALFORMED_CONTENT));
    assertThat(Files.readAllBytes(key)).isEqualTo(new byte[44]);
    assertNothingHalfConfigured();
  }

  @Test
  @Order(6)
  void anUnreadableKeyFileAtFirstStartIsATypedErrorAndLeavesNothing() throws Exception {
    Prerequisites.require(Prerequisites.onPath("setpriv"), "setpriv (util-linux)");
    Path root = tmp.resolve("unreadable");
    Path key = root.resolve("data/kubernetes/clusternet/private.key");
    Files.createDirectories(key.getParent());
    String content = X25519.generatePrivateKey().toBase64() + "\n";
    Files.writeString(key, content);
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString("---------"));
    // The agent in a process that cannot override file permissions, as a non-root agent would be.
    Process p = ChildJvm.builder(
            List.of("setpriv", "--bounding-set", "-dac_override,-dac_read_search,-fowner", "--"),
            NodeAgent.class, "--kubeconfig", tmp.resolve("kubeconfig").toString(),
            "--node-name", "n0", "--netns", ns.get(0).name(), "--interface", "cf" + tag + "x",
            "--storage-root", root.toString(), "--backend", "userspace")
        .redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor()).as(out).isEqualTo(1);
    assertThat(out).contains("permission denied").contains(key.toString());
    Files.setPosixFilePermissions(key, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    assertThat(Files.readString(key)).isEqualTo(content);
    assertNothingHalfConfigured();
  }

  @Test
  @Order(7)
  void aFullDiskAtFirstStartIsATypedErrorAndLeavesNothing() throws Exception {
    Path mnt = tmp.resolve("full");
    Files.createDirectories(mnt);
    Commands.run("mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", mnt.toString());
    try {
      Files.createDirectories(mnt.resolve("data/kubernetes/clusternet"));
      try (var out = Files.newOutputStream(mnt.resolve("filler"))) {
        byte[] chunk = new byte[4096];
        while (true) out.write(chunk);
      } catch (java.io.IOException full) {
        // full now
      }
      ClusterNet net = firstStart("n0", mnt, ns.get(0));
      net.startAsync();
      try {
        net.awaitRunning();
      } catch (IllegalStateException expected) {
        // FAILED
      }
      assertThat(net.failureCause()).isInstanceOfSatisfying(StorageException.class,
          e -> assertThat(e.reason()).isEqualTo(StorageException.Reason.NO_SPACE));
      assertThat(Files.exists(mnt.resolve("data/kubernetes/clusternet/private.key"))).isFalse();
      assertNothingHalfConfigured();
    } finally {
      Commands.run("umount", "-l", mnt.toString());
    }
  }
}
