package io.clusternet.core.mesh;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps every node but our own to a desired peer: endpoint = its InternalIP (family preference
 * configurable) and the listen port; allowed IPs = its pod CIDRs, canonicalised (optionally plus
 * its own address); public key from the annotation. A node that cannot become a peer is excluded
 * with a reason; the checks across nodes (duplicate keys, overlapping allowed IPs) are
 * deterministic: the older node (then the smaller name) keeps contested allowed IPs.
 */
public final class MeshMapper {

  /** Which InternalIP to use as the endpoint. */
  public enum AddressFamily {
    /** IPv4 if the node has one, else IPv6 (the default). */
    PREFER_IPV4,
    /** IPv6 if the node has one, else IPv4. */
    PREFER_IPV6,
    IPV4_ONLY,
    IPV6_ONLY
  }

  /**
   * What the mapping needs to know.
   *
   * @param selfName our node's name (skipped)
   * @param selfKey our public key (a node publishing it is excluded)
   * @param selfPodCidrs our own pod CIDRs (nobody else may claim them)
   * @param annotationKey the annotation holding a node's public key
   * @param listenPort every node's WireGuard port
   * @param family endpoint address family preference
   * @param includeNodeAddress add each node's own address (/32 or /128) to its allowed IPs
   * @param persistentKeepalive keepalive for every peer (zero: off)
   */
  public record Config(String selfName, PublicKey selfKey, List<IpPrefix> selfPodCidrs,
      String annotationKey, int listenPort, AddressFamily family, boolean includeNodeAddress,
      Duration persistentKeepalive) {
    public Config {
      Objects.requireNonNull(selfName, "selfName");
      Objects.requireNonNull(selfKey, "selfKey");
      selfPodCidrs = List.copyOf(selfPodCidrs);
      Objects.requireNonNull(annotationKey, "annotationKey");
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    }
  }

  private MeshMapper() {}

  /**
   * The desired mesh for {@code nodes} (names unique), computed from scratch. A caller that maps
   * again after changes should keep a {@link MeshState}, which redoes only what a change touches.
   */
  public static DesiredMesh map(Collection<NodeInfo> nodes, Config config) {
    return new MeshState(config).sync(nodes);
  }

  /** One node's own mapping: a peer or the reason it cannot be one. */
  record Result(Optional<DesiredPeer> peer, Optional<Exclusion> exclusion) {
    static Result excluded(NodeInfo n, Exclusion.Reason r, String detail) {
      return new Result(Optional.empty(), Optional.of(new Exclusion(n.name(), r, detail)));
    }
  }

  static Result build(NodeInfo node, Config config) {
    String keyText = node.annotations().get(config.annotationKey());
    if (keyText == null || keyText.isBlank()) {
      return Result.excluded(node, Exclusion.Reason.NO_KEY,
          "no " + config.annotationKey() + " annotation");
    }
    PublicKey key;
    try {
      key = PublicKey.fromBase64(keyText.strip());
    } catch (KeyFormatException e) {
      return Result.excluded(node, Exclusion.Reason.BAD_KEY,
          "annotation " + config.annotationKey() + ": " + e.getMessage());
    }
    if (key.equals(config.selfKey())) {
      return Result.excluded(node, Exclusion.Reason.OWN_KEY,
          "publishes this node's own public key " + key);
    }
    Optional<InetAddress> address = chooseAddress(node.internalIps(), config.family());
    if (address.isEmpty()) {
      return Result.excluded(node, Exclusion.Reason.NO_ADDRESS,
          "no usable InternalIP (" + config.family() + ") among " + node.internalIps());
    }
    Set<IpPrefix> allowed = new TreeSet<>();
    for (String cidr : node.podCidrs()) {
      try {
        allowed.add(IpPrefix.parse(cidr.strip()));
      } catch (AddressFormatException e) {
        return Result.excluded(node, Exclusion.Reason.BAD_PREFIX, "pod CIDR: " + e.getMessage());
      }
    }
    if (config.includeNodeAddress()) allowed.add(IpPrefix.host(address.get()));
    DesiredPeer peer = new DesiredPeer(node.name(), key,
        Endpoint.of(address.get(), config.listenPort()), new TreeSet<>(allowed),
        config.persistentKeepalive());
    return new Result(Optional.of(peer), Optional.empty());
  }

  private static Optional<InetAddress> chooseAddress(List<String> ips, AddressFamily family) {
    InetAddress v4 = null;
    InetAddress v6 = null;
    for (String ip : ips) {
      InetAddress a;
      try {
        // IpPrefix's literal parser: strict, never DNS.
        a = IpPrefix.parse(ip.strip() + (ip.contains(":") ? "/128" : "/32")).address();
      } catch (AddressFormatException e) {
        continue;
      }
      if (a.getAddress().length == 4) {
        if (v4 == null) v4 = a;
      } else if (v6 == null) {
        v6 = a;
      }
    }
    return Optional.ofNullable(switch (family) {
      case PREFER_IPV4 -> v4 != null ? v4 : v6;
      case PREFER_IPV6 -> v6 != null ? v6 : v4;
      case IPV4_ONLY -> v4;
      case IPV6_ONLY -> v6;
    });
  }
}
