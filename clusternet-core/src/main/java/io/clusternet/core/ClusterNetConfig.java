package io.clusternet.core;

import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.mesh.Untrusted;
import io.clusternet.core.metrics.ServiceMetrics;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.LoggerFactory;

/**
 * What {@link ClusterNet.Builder#build()} copies out of the builder: immutable (lists are
 * copies), so reusing a builder after {@code build()} never changes a built service. Nullable
 * components are the optional parts a host did not set.
 */
record ClusterNetConfig(
    String nodeName,
    ApiClient apiClient,
    Path storageRoot, // nullable: storage is set instead
    ClusternetRoot storage, // nullable
    WireGuardBackend wireGuard, // nullable
    LinkBackend links, // nullable
    WireGuardGoProcess.Builder daemon, // nullable
    NodeSource nodeSource, // nullable
    Optional<Path> namespace,
    String interfaceName,
    int listenPort,
    List<IpPrefix> clusterCidrs,
    List<InterfaceAddress> interfaceAddresses,
    int mtu,
    Duration persistentKeepalive,
    Duration resyncPeriod,
    String annotationKey,
    MeshMapper.AddressFamily family,
    boolean includeNodeAddress,
    int minIpv4PodCidrLength,
    int minIpv6PodCidrLength,
    ScheduledExecutorService scheduler, // nullable: our own
    Clock clock,
    boolean keepOnStop,
    KeyManager.LoosePermissions loosePermissions,
    Duration apiCallTimeout,
    Duration watchTimeout,
    Duration deviceCheckPeriod,
    Duration deviceRestoreTimeout,
    EndpointPolicy endpointPolicy,
    Duration roamingGrace,
    ServiceMetrics.Binder metrics) {
  ClusterNetConfig {
    clusterCidrs = List.copyOf(clusterCidrs);
    interfaceAddresses = List.copyOf(interfaceAddresses);
  }

  /**
   * The mapping's configuration for the nodes {@code all}: it depends on our own Node's pod CIDRs
   * and InternalIPs as the node source shows them (an own pod CIDR that does not parse is logged
   * and left out).
   */
  MeshMapper.Config mappingConfig(PublicKey ownKey, Collection<NodeInfo> all) {
    List<IpPrefix> own = new ArrayList<>();
    List<String> ownIps = List.of();
    for (NodeInfo n : all) {
      if (!n.name().equals(nodeName)) continue;
      ownIps = n.internalIps();
      for (String c : n.podCidrs()) {
        try {
          own.add(IpPrefix.parse(c.strip()));
        } catch (AddressFormatException e) {
          LoggerFactory.getLogger(ClusterNet.class).warn("{}: our own pod CIDR {} does not parse",
              nodeName, Untrusted.quote(c));
        }
      }
    }
    return new MeshMapper.Config(nodeName, ownKey, own, annotationKey, listenPort, family,
        includeNodeAddress, persistentKeepalive, clusterCidrs, minIpv4PodCidrLength,
        minIpv6PodCidrLength, ownIps);
  }
}
