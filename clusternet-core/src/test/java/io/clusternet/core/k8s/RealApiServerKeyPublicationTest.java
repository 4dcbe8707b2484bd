package io.clusternet.core.k8s;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.ApiHttp;
import io.clusternet.testing.k8s.KubeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The service's key publication against a real kube-apiserver, as the agent user bound to the
 * shipped ClusterRole: on a Node with no annotations at all (which a JSON-patch {@code add} into
 * the missing map cannot reach: 422), on a Node with a kubelet's annotations (kept), and on a
 * Node that carries a different key (replaced and reported). And that role is least privilege:
 * the agent user is refused everything it does not grant.
 */
@Tag(RealApiServers.TAG)
class RealApiServerKeyPublicationTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(20);

  static Path serverDir;
  static KubeApiServer server;
  static ApiHttp admin;
  static ApiClient agent;

  @TempDir Path tmp;
  ClusterNet net;

  @BeforeAll
  static void startServer() throws Exception {
    serverDir = Files.createTempDirectory("clusternet-apiserver-");
    server = KubeApiServer.start(serverDir);
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
  void stopService() {
    if (net != null) net.stopAsync().awaitTerminated();
  }

  void start(String nodeName) {
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    net = ClusterNet.builder()
        .nodeName(nodeName)
        .kubernetes(agent)
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .resyncPeriod(Duration.ofMillis(500))
        .build();
    net.startAsync().awaitRunning();
  }

  static String newKey() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  @Test
  void aNodeWithNoAnnotationsAtAllGetsOurKey() throws Exception {
    admin.createNode("pub-bare", "192.0.2.1", List.of("10.244.0.0/24"), null);
    assertThat(admin.get("/api/v1/nodes/pub-bare").ok().json().path("metadata")
        .has("annotations")).as("the real server keeps the map absent").isFalse();
    start("pub-bare");
    await("key published on pub-bare", WAIT, () -> admin.nodeAnnotation("pub-bare", ANN)
        .equals(Optional.of(net.publicKey().toBase64())));
    await("published, no error left", WAIT, () -> net.health().isHealthy());
  }

  @Test
  void aNodeWithKubeletAnnotationsGetsOurKeyAndKeepsTheirs() throws Exception {
    Map<String, String> kubelet = Map.of(
        "node.alpha.kubernetes.io/ttl", "0",
        "volumes.kubernetes.io/controller-managed-attach-detach", "true");
    admin.createNode("pub-kubelet", "192.0.2.2", List.of("10.244.1.0/24"), kubelet);
    start("pub-kubelet");
    await("key published on pub-kubelet", WAIT, () -> admin.nodeAnnotation("pub-kubelet", ANN)
        .equals(Optional.of(net.publicKey().toBase64())));
    for (Map.Entry<String, String> e : kubelet.entrySet()) {
      assertThat(admin.nodeAnnotation("pub-kubelet", e.getKey())).contains(e.getValue());
    }
  }

  @Test
  void theAgentUserMayDoWhatTheShippedRoleGrantsAndNothingElse() throws Exception {
    admin.createNode("rbac-node", "192.0.2.4", List.of("10.244.3.0/24"), null);
    ApiHttp as = ApiHttp.of(server.agent());
    String node = "/api/v1/nodes/rbac-node";
    // Granted (nodes: get, list, watch, patch): all the agent does.
    assertThat(as.get(node).code()).isEqualTo(200);
    assertThat(as.get("/api/v1/nodes").code()).isEqualTo(200);
    assertThat(as.watch("/api/v1/nodes", "", 1, 1)).first()
        .satisfies(e -> assertThat(e.path("type").asString()).isEqualTo("ADDED"));
    assertThat(as.patch(node, ApiHttp.MERGE_PATCH,
        "{\"metadata\":{\"annotations\":{\"x\":\"1\"}}}").code()).isEqualTo(200);
    // Refused: everything else, Node writes other than patch included.
    String json = admin.get(node).ok().body();
    Map<String, Integer> refused = new java.util.LinkedHashMap<>();
    refused.put("create a node", as.post("/api/v1/nodes",
        json.replace("rbac-node", "rbac-other")).code());
    refused.put("replace a node", as.put(node, json).code());
    refused.put("delete a node", as.delete(node).code());
    refused.put("patch a node's status", as.patch(node + "/status", ApiHttp.MERGE_PATCH,
        "{\"status\":{\"addresses\":[]}}").code());
    refused.put("list pods", as.get("/api/v1/pods").code());
    refused.put("list secrets", as.get("/api/v1/secrets").code());
    refused.put("read a configmap", as.get("/api/v1/namespaces/kube-system/configmaps/x").code());
    refused.put("list leases", as.get("/apis/coordination.k8s.io/v1/leases").code());
    refused.put("bind a role", as.post("/apis/rbac.authorization.k8s.io/v1/clusterrolebindings",
        "{\"metadata\":{\"name\":\"x\"},\"roleRef\":{\"apiGroup\":\"rbac.authorization.k8s.io\","
            + "\"kind\":\"ClusterRole\",\"name\":\"cluster-admin\"},\"subjects\":[{\"kind\":"
            + "\"User\",\"name\":\"clusternet-agent\"}]}").code());
    assertThat(refused).allSatisfy((what, code) -> assertThat(code).as(what).isEqualTo(403));
    assertThat(admin.get(node).code()).isEqualTo(200);
  }

  @Test
  void aDifferentKeyAlreadyThereIsReplacedAndReported() throws Exception {
    String stale = newKey();
    admin.createNode("pub-stale", "192.0.2.3", List.of("10.244.2.0/24"), Map.of(ANN, stale));
    start("pub-stale");
    PublicKey ours = net.publicKey();
    await("key replaced on pub-stale", WAIT, () -> admin.nodeAnnotation("pub-stale", ANN)
        .equals(Optional.of(ours.toBase64())));
    await("the replaced key reported", WAIT, () -> net.health().lastError()
        .filter(e -> e.contains(stale)).isPresent());
  }
}
