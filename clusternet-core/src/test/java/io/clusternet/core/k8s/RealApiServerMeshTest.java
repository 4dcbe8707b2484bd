package io.clusternet.core.k8s;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.NamespaceNodes;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.ApiHttp;
import io.clusternet.testing.k8s.KubeApiServer;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three real nodes (network namespaces on a bridge, wireguard-go each) against a real
 * kube-apiserver, every agent running as the plain user bound to the ClusterRole shipped in
 * {@code deploy/clusternet.yaml}: they converge and ping, follow a deletion and a key change,
 * relist after kube-apiserver is stopped and started again (etcd keeps the data), and remove the
 * peer of a Node deleted while their watches were down, which reaches the informer as a
 * tombstone. The three-node start is repeated ten times.
 */
@Tag(RealApiServers.TAG)
class RealApiServerMeshTest {
  static final int NODES = 3;
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(30);

  static KubeApiServer server;
  static ApiHttp admin;
  static ApiClient agent;

  @TempDir Path tmp;
  NamespaceNodes nodes;
  List<ClusterNet> nets = List.of();
  final List<InformerNodeSource> sources = new ArrayList<>();
  ExecutorService informerThreads; // one per round: stopping the informers shuts it down
  int round;

  @BeforeAll
  static void startServer() throws Exception {
    server = KubeApiServer.start(Files.createTempDirectory("clusternet-apiserver-mesh-"));
    admin = ApiHttp.of(server.admin());
    RealApiServers.bindAgentToShippedRole(server);
    ApiHttp agentHttp = ApiHttp.of(server.agent());
    await("the agent's role binding in effect", WAIT,
        () -> agentHttp.get("/api/v1/nodes").code() == 200);
    agent = RealApiServers.client(server.agent());
  }

  @AfterAll
  static void stopServer() throws Exception {
    if (server != null) server.close();
  }

  @AfterEach
  void cleanUp() throws Exception {
    tearDownMesh();
  }

  String node(int i) {
    return "r" + round + "-n" + i;
  }

  /** Three namespaces, three Nodes (no annotations), three services as the agent user. */
  void startMesh() throws Exception {
    round++;
    informerThreads = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "test-informer");
      t.setDaemon(true);
      return t;
    });
    nodes = NamespaceNodes.create("ra", NODES);
    for (int i = 0; i < NODES; i++) {
      admin.createNode(node(i), NamespaceNodes.address(i),
          List.of(NamespaceNodes.podCidr(i)), null);
    }
    for (int i = 0; i < NODES; i++) {
      InformerNodeSource source = new InformerNodeSource(agent, informerThreads);
      sources.add(source);
      ClusterNet.Builder b = nodes.builder(i, node(i), agent, tmp.resolve("r" + round + "n" + i))
          .nodeSource(source);
      source.start();
      nodes.start(b);
    }
    nodes.awaitRunning();
    nets = nodes.nets();
  }

  void tearDownMesh() throws Exception {
    if (nodes != null) nodes.stopServices();
    for (InformerNodeSource src : sources) src.close();
    if (informerThreads != null) informerThreads.shutdownNow();
    if (nodes != null) nodes.close();
    nodes = null;
    nets = List.of();
    sources.clear();
    // Every Node is every agent's peer: the next round starts from an empty cluster.
    for (tools.jackson.databind.JsonNode n : admin.get("/api/v1/nodes").ok().json().path("items")) {
      admin.delete("/api/v1/nodes/" + n.path("metadata").path("name").asString());
    }
  }

  Set<String> peerNodes(int i) {
    return nodes.peerNodes(i);
  }

  Set<PublicKey> peerKeys(int i) throws Exception {
    return nodes.peerKeys(i);
  }

  boolean ping(int from, int to) throws Exception {
    return nodes.ping(from, to);
  }

  /** Every node has the other two as peers and is healthy; pod addresses ping across. */
  void awaitConverged() throws Exception {
    for (int i = 0; i < NODES; i++) {
      int me = i;
      Set<String> others = new java.util.HashSet<>();
      for (int j = 0; j < NODES; j++) if (j != i) others.add(node(j));
      await("node " + i + " has its peers (status: " + nets.get(me).status().format() + ")",
          WAIT, () -> peerNodes(me).equals(others));
      await("node " + i + " healthy", WAIT, () -> nets.get(me).health().isHealthy());
    }
    for (int i = 0; i < NODES; i++) {
      for (int j = 0; j < NODES; j++) {
        if (i != j) assertThat(ping(i, j)).as("ping n%d -> n%d", i, j).isTrue();
      }
    }
  }

  static String newKey() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  @Test
  void threeNodesConvergeAsTheAgentUserAndFollowDeletionsKeyChangesAndARestart()
      throws Exception {
    startMesh();
    awaitConverged();
    for (int i = 0; i < NODES; i++) {
      assertThat(admin.nodeAnnotation(node(i), ANN)).contains(nets.get(i).publicKey().toBase64());
    }

    // A node joins and is deleted again: everyone adds, then removes, its peer.
    admin.createNode("marker", "192.0.2.99", List.of("10.244.99.0/24"), Map.of(ANN, newKey()));
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("marker on " + i, WAIT, () -> peerNodes(me).contains("marker"));
    }
    admin.deleteNode("marker");
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("marker gone from " + i, WAIT, () -> !peerNodes(me).contains("marker"));
    }

    // n2's key is changed on its Node: n2 puts its own key back, the others follow both moves.
    PublicKey real2 = nets.get(2).publicKey();
    String bogus = newKey();
    admin.annotateNode(node(2), ANN, bogus);
    await("n2's real key back on its Node and at n0", WAIT, () -> {
      try {
        return admin.nodeAnnotation(node(2), ANN).orElse("").equals(real2.toBase64())
            && peerKeys(0).contains(real2) && !peerKeys(0).contains(PublicKey.fromBase64(bogus));
      } catch (Exception e) {
        return false;
      }
    });
    assertThat(ping(0, 2)).isTrue();

    // The watch is cut: kube-apiserver stops (etcd keeps everything) and starts again. The
    // informers relist, and a change made afterwards reaches everyone.
    server.stopApiServer();
    server.startApiServer();
    admin.createNode("after-restart", "192.0.2.98", List.of("10.244.98.0/24"),
        Map.of(ANN, newKey()));
    for (int i = 0; i < NODES; i++) {
      int me = i;
      await("after-restart on " + i, WAIT, () -> peerNodes(me).contains("after-restart"));
      await("node " + i + " healthy again", WAIT, () -> nets.get(me).health().isHealthy());
    }
    for (int i = 0; i < NODES; i++) {
      for (int j = 0; j < NODES; j++) {
        if (i != j) assertThat(ping(i, j)).as("ping n%d -> n%d after restart", i, j).isTrue();
      }
    }
  }

  @Test
  void aNodeDeletedWhileTheWatchIsDownReachesTheInformerAsATombstoneAndItsPeerIsRemoved()
      throws Exception {
    startMesh();
    awaitConverged();
    long before = sources.get(0).tombstones();

    // kube-apiserver stops; n2's Node is deleted from etcd meanwhile (no watch can see it go);
    // kube-apiserver starts again. The informers' relist no longer finds n2: a tombstone.
    server.stopApiServer();
    assertThat(server.etcdDelete("/registry/minions/" + node(2))).isEqualTo(1);
    server.startApiServer();

    for (int i = 0; i < 2; i++) {
      int me = i;
      await("n2's peer removed from n" + i, WAIT, () -> !peerNodes(me).contains(node(2)));
    }
    assertThat(sources.get(0).tombstones()).as("deletes seen as DeletedFinalStateUnknown")
        .isEqualTo(before + 1);
    assertThat(sources.get(1).tombstones()).isPositive();
    assertThat(ping(0, 1)).isTrue();
  }

  @Test
  void threeNodesStartedTenTimesConvergeTenTimes() throws Exception {
    List<String> failures = new ArrayList<>();
    for (int run = 0; run < 10; run++) {
      startMesh();
      try {
        awaitConverged();
      } catch (AssertionError e) {
        StringBuilder why = new StringBuilder("run " + run + ": " + e.getMessage());
        for (ClusterNet n : nets) why.append("\n  ").append(n.status().format());
        failures.add(why.toString());
        System.err.println("*** convergence failed: " + why);
      }
      tearDownMesh();
    }
    assertThat(failures).as("runs that did not converge, of 10").isEmpty();
  }
}
