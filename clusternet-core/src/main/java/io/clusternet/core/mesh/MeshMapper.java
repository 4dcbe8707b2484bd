package io.clusternet.core.mesh;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
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
   * Remembers each node's own mapping (key, address and CIDR parsing) between calls, so a change
   * to one node re-parses one node. Valid for one {@link Config}; a different config clears it.
   * Not thread-safe: one per caller.
   */
  public static final class Memo {
    private Config config;
    private final Map<String, NodeInfo> inputs = new HashMap<>();
    private final Map<String, Result> results = new HashMap<>();

    Result get(NodeInfo node, Config c) {
      if (!c.equals(config)) {
        config = c;
        inputs.clear();
        results.clear();
      }
      NodeInfo seen = inputs.get(node.name());
      if (seen == node || (seen != null && seen.equals(node))) return results.get(node.name());
      Result r = build(node, c);
      inputs.put(node.name(), node);
      results.put(node.name(), r);
      return r;
    }

    void retainOnly(java.util.Set<String> names) {
      inputs.keySet().retainAll(names);
      results.keySet().retainAll(names);
    }
  }

  /** The desired mesh for {@code nodes}. */
  public static DesiredMesh map(Iterable<NodeInfo> nodes, Config config) {
    return map(nodes, config, null);
  }

  /** The desired mesh for {@code nodes}, reusing per-node work from {@code memo} (may be null). */
  public static DesiredMesh map(Iterable<NodeInfo> nodes, Config config, Memo memo) {
    List<Exclusion> excluded = new ArrayList<>();
    List<DesiredPeer> candidates = new ArrayList<>();
    Map<String, NodeInfo> byName = new HashMap<>();
    for (NodeInfo node : nodes) {
      if (node.name().equals(config.selfName())) continue;
      byName.put(node.name(), node);
      Result r = memo == null ? build(node, config) : memo.get(node, config);
      r.peer().ifPresent(candidates::add);
      r.exclusion().ifPresent(excluded::add);
    }
    // Overlapping allowed IPs first: the older node (then the smaller name) keeps them, even if
    // it is excluded for another reason, so a newcomer can never take over another node's range
    // while that node has a problem; our own ranges always win.
    candidates.sort(Comparator.comparing((DesiredPeer p) -> byName.get(p.nodeName()).created())
        .thenComparing(DesiredPeer::nodeName));
    PrefixSet taken = new PrefixSet();
    for (IpPrefix c : config.selfPodCidrs()) taken.add(c, config.selfName() + " (this node)");
    List<DesiredPeer> placed = new ArrayList<>();
    for (DesiredPeer p : candidates) {
      String conflict = null;
      for (IpPrefix mine : p.allowedIps()) {
        String other = taken.overlap(mine);
        if (other != null) {
          conflict = mine + " overlaps " + other;
          break;
        }
      }
      if (conflict != null) {
        excluded.add(new Exclusion(p.nodeName(), Exclusion.Reason.OVERLAPPING_ALLOWED_IPS,
            conflict));
        continue;
      }
      for (IpPrefix mine : p.allowedIps()) taken.add(mine, p.nodeName());
      placed.add(p);
    }
    // Duplicate keys: nobody keeps a key that two nodes claim.
    Map<PublicKey, List<DesiredPeer>> byKey = new HashMap<>();
    for (DesiredPeer p : placed) {
      byKey.computeIfAbsent(p.publicKey(), k -> new ArrayList<>()).add(p);
    }
    TreeMap<PublicKey, DesiredPeer> peers = new TreeMap<>();
    for (DesiredPeer p : placed) {
      List<DesiredPeer> same = byKey.get(p.publicKey());
      if (same.size() > 1) {
        List<String> others = same.stream().map(DesiredPeer::nodeName)
            .filter(n -> !n.equals(p.nodeName())).sorted().toList();
        excluded.add(new Exclusion(p.nodeName(), Exclusion.Reason.DUPLICATE_KEY,
            "public key " + p.publicKey() + " is also published by " + String.join(", ", others)));
      } else {
        peers.put(p.publicKey(), p);
      }
    }
    excluded.sort(Comparator.comparing(Exclusion::nodeName));
    if (memo != null) memo.retainOnly(byName.keySet());
    return new DesiredMesh(peers, excluded);
  }

  private record Result(Optional<DesiredPeer> peer, Optional<Exclusion> exclusion) {
    static Result excluded(NodeInfo n, Exclusion.Reason r, String detail) {
      return new Result(Optional.empty(), Optional.of(new Exclusion(n.name(), r, detail)));
    }
  }

  private static Result build(NodeInfo node, Config config) {
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
