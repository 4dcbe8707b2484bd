package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ClusterNet.Builder.preview()}: the plan a start would apply, and nothing written. */
class PlanPreviewTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;

  @TempDir Path tmp;
  FakeApiServer api;
  ApiClient client;
  final PublicKey n1 = X25519.publicKey(X25519.generatePrivateKey());
  final PublicKey stray = X25519.publicKey(X25519.generatePrivateKey());

  @BeforeEach
  void cluster() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    client = new ClientBuilder().setBasePath(api.url()).build();
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, n1.toBase64()));
    api.createNode("n2", "192.0.2.3", List.of("10.244.2.0/24"), null);
  }

  @AfterEach
  void stop() {
    if (api != null) api.close();
  }

  DeviceConfig strayPeer() throws Exception {
    return DeviceConfig.builder().peer(PeerConfig.builder(stray)
        .allowedIp(IpPrefix.parse("10.250.0.0/24")).build()).build();
  }

  @Test
  void aFirstStartIsPreviewedWithoutWritingAnything() throws Exception {
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    wg.configure("clusternet", strayPeer());
    DeviceState before = wg.device("clusternet").orElseThrow();
    Path root = tmp.resolve("state");

    PlanPreview p = ClusterNet.builder().nodeName("n0").kubernetes(client).storageRoot(root)
        .backends(wg, Optional.empty()).preview();

    assertThat(p.publicKey()).isEmpty();
    assertThat(p.deviceExists()).isTrue();
    assertThat(p.nodes()).isEqualTo(3);
    assertThat(p.plan().add()).extracting(PeerConfig::publicKey).containsExactly(n1);
    assertThat(p.plan().remove()).containsExactly(stray);
    assertThat(p.excluded()).extracting(Exclusion::nodeName, Exclusion::reason)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("n2", Exclusion.Reason.NO_KEY));
    String text = p.format();
    assertThat(text).contains("no key file yet", "1 to add, 0 to update, 1 to remove",
        "add " + n1 + " for node n1", "remove " + stray, "n2: NO_KEY");
    // Nothing written: no storage tree, no key, the device as it was, no annotation.
    assertThat(root).doesNotExist();
    assertThat(wg.device("clusternet").orElseThrow()).isEqualTo(before);
    assertThat(api.nodeAnnotation("n0", ANN)).isNull();
  }

  @Test
  void anExistingKeyIsUsedAndAConvergedDeviceNeedsNothing() throws Exception {
    ClusternetRoot root = ClusternetRoot.at(tmp.resolve("state"));
    root.create();
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    byte[] keyFile = Files.readAllBytes(tmp.resolve("state/data/kubernetes/clusternet/private.key"));
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    ClusterNet.Builder b = ClusterNet.builder().nodeName("n0").kubernetes(client)
        .storageRoot(tmp.resolve("state")).backends(wg, Optional.empty());
    PlanPreview first = b.preview();
    assertThat(first.publicKey()).contains(key.publicKey());
    wg.configure("clusternet", first.plan().toDeviceConfig()); // as a start would
    PlanPreview second = b.preview();
    assertThat(second.plan().isEmpty()).as(second.format()).isTrue();
    assertThat(second.format()).contains("plan: nothing to change")
        .doesNotContain(key.privateKey().toBase64());
    assertThat(Files.readAllBytes(tmp.resolve("state/data/kubernetes/clusternet/private.key")))
        .isEqualTo(keyFile);
  }

  /** The same on a real wireguard-go device in a network namespace. */
  @Test
  void aRealDeviceIsReadAndLeftAsItWas() throws Exception {
    try (NamespaceNodes nodes = NamespaceNodes.create("cp", 1)) {
      WireGuardGoProcess.Builder daemon = WireGuardGoProcess.builder(nodes.iface(0))
          .networkNamespace(nodes.ns(0).name());
      try (WireGuardGoProcess running = daemon.start()) {
        nodes.uapi().configure(nodes.iface(0), strayPeer());
        Set<PublicKey> before = peers(nodes);
        int port = nodes.uapi().device(nodes.iface(0)).orElseThrow().listenPort();
        PlanPreview p = ClusterNet.builder().nodeName("n0").kubernetes(client)
            .storageRoot(tmp.resolve("state")).interfaceName(nodes.iface(0)).userspace(daemon)
            .preview();
        assertThat(p.deviceExists()).isTrue();
        assertThat(p.plan().add()).extracting(PeerConfig::publicKey).containsExactly(n1);
        assertThat(p.plan().remove()).containsExactly(stray);
        assertThat(peers(nodes)).isEqualTo(before).containsExactly(stray);
        assertThat(nodes.uapi().device(nodes.iface(0)).orElseThrow().listenPort())
            .isEqualTo(port);
      }
    }
  }

  static Set<PublicKey> peers(NamespaceNodes nodes) throws Exception {
    return nodes.uapi().device(nodes.iface(0)).orElseThrow().peers().stream()
        .map(PeerState::publicKey).collect(Collectors.toSet());
  }
}
