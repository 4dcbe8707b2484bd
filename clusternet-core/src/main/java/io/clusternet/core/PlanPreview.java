package io.clusternet.core;

import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.core.backend.WireGuardBackends;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.diff.EndpointRule;
import io.clusternet.core.diff.PeerDiff;
import io.clusternet.core.diff.PeerPlan;
import io.clusternet.core.k8s.InformerNodeSource;
import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.Untrusted;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * What {@link ClusterNet.Builder#preview()} found: the plan a start would apply to the device
 * now (peers to add, update and remove, each with its reason) and the nodes it would exclude.
 *
 * @param nodeName this node
 * @param interfaceName the WireGuard interface
 * @param publicKey this node's public key, or empty when there is no key file yet (a start would
 *     generate one; the plan then shows the device key as differing)
 * @param deviceExists whether the interface exists now (if not, the plan is against an empty
 *     device: a start would create it)
 * @param nodes how many Nodes the API server (or node source) listed
 * @param plan the changes, as the reconciler would apply them in one write
 * @param excluded the nodes that would not be peers, with reasons
 */
public record PlanPreview(String nodeName, String interfaceName, Optional<PublicKey> publicKey,
    boolean deviceExists, int nodes, PeerPlan plan, List<Exclusion> excluded) {

  public PlanPreview {
    Objects.requireNonNull(plan, "plan");
    excluded = List.copyOf(excluded);
  }

  static PlanPreview compute(ClusterNetConfig config) throws Exception {
    ClusternetRoot root = config.storage() != null ? config.storage()
        : ClusternetRoot.at(config.storageRoot());
    Optional<NodeKey> key = loadKey(root, config);
    PrivateKey privateKey = key.map(NodeKey::privateKey).orElseGet(X25519::generatePrivateKey);
    PublicKey publicKey = X25519.publicKey(privateKey);

    List<NodeInfo> nodes = config.nodeSource() != null ? config.nodeSource().snapshot()
        : InformerNodeSource.listOnce(config.apiClient());
    MeshMapper.Config mapping = config.mappingConfig(publicKey, nodes);
    DesiredMesh mesh = MeshMapper.map(nodes, mapping);

    Optional<DeviceState> device = readDevice(config);
    DeviceState actual = device.orElseGet(() -> new DeviceState(config.interfaceName(),
        Optional.empty(), Optional.empty(), 0, 0, List.of()));
    EndpointRule endpoints = config.endpointPolicy() == EndpointPolicy.CONFIGURED
        ? EndpointRule.CONFIGURED
        : new EndpointRule(config.endpointPolicy(), config.roamingGrace(), Instant.now(config.clock()));
    PeerPlan plan = PeerDiff.compute(mesh.peers(), actual, Optional.of(privateKey),
        OptionalInt.of(config.listenPort()), endpoints);
    return new PlanPreview(config.nodeName(), config.interfaceName(),
        key.map(NodeKey::publicKey), device.isPresent(), nodes.size(), plan, mesh.excluded());
  }

  /** The key file's key, without creating directories or a key. */
  private static Optional<NodeKey> loadKey(ClusternetRoot root, ClusterNetConfig config)
      throws Exception {
    try {
      return KeyManager.of(root.privateKeyFile()).withLoosePermissions(config.loosePermissions())
          .load();
    } catch (io.clusternet.localstorage.StorageException e) {
      if (e.reason() == io.clusternet.localstorage.StorageException.Reason.NOT_FOUND) {
        return Optional.empty(); // no storage tree yet: a first start
      }
      throw e;
    }
  }

  private static Optional<DeviceState> readDevice(ClusterNetConfig config) throws Exception {
    if (config.wireGuard() != null) return config.wireGuard().device(config.interfaceName());
    if (config.daemon() != null) {
      WireGuardBackend uapi = UapiWireGuardBackend.create(
          config.daemon().effectiveSocketDirectory());
      return uapi.device(config.interfaceName());
    }
    try (WireGuardBackends.Selection s = WireGuardBackends.auto(config.namespace(),
        UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY)) {
      return s.wireGuard().device(config.interfaceName());
    }
  }

  /** Human-readable, one change per line; values from the API server are escaped. */
  public String format() {
    StringBuilder b = new StringBuilder();
    b.append("dry run for node ").append(Untrusted.lineSafe(nodeName, Untrusted.MAX_VALUE))
        .append(", interface ").append(interfaceName)
        .append(deviceExists ? "" : " (does not exist yet: a start creates it)").append("\n");
    b.append("  public key: ").append(publicKey.map(Object::toString)
        .orElse("(no key file yet: a start generates one)")).append("\n");
    b.append("  nodes listed: ").append(nodes).append("\n");
    b.append("  plan: ").append(plan.isEmpty() ? "nothing to change" : plan.summary())
        .append("\n");
    for (String r : plan.reasons()) b.append("    ").append(Untrusted.lineSafe(r)).append("\n");
    if (!excluded.isEmpty()) {
      b.append("  excluded nodes:\n");
      for (Exclusion e : excluded) {
        b.append("    ").append(Untrusted.lineSafe(e.nodeName(), Untrusted.MAX_VALUE))
            .append(": ").append(e.reason()).append(" - ").append(Untrusted.lineSafe(e.detail()))
            .append("\n");
      }
    }
    return b.toString();
  }
}
