package io.clusternet.core.mesh;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Maps every node but our own to a desired peer: endpoint = its InternalIP and the listen port;
 * allowed IPs = its pod CIDRs, canonicalised (optionally plus its own address); public key from
 * the annotation. A node that cannot become a peer is excluded with a reason; one bad node never
 * disturbs the others.
 *
 * <p>The endpoint address is the first routable InternalIP of the preferred family, else of the
 * other family (unless the family is {@code *_ONLY}); link-local addresses only when no routable
 * one exists (the peer then carries a {@linkplain DesiredPeer#note() note}); unspecified,
 * loopback, multicast, broadcast and {@code 0.0.0.0/8} addresses never. A pod CIDR must lie inside
 * a configured cluster CIDR of its family, or, with none, be no wider than the configured
 * minimum ({@code /0} never): an over-wide claim excludes its node, never the others.
 *
 * <p>The checks across nodes (overlapping allowed IPs, shared endpoints, duplicate keys) are
 * deterministic: the older node (then the smaller name) keeps contested allowed IPs and a
 * contested endpoint; a key published by two nodes holding their ranges and endpoints goes to
 * neither. Text from the nodes is {@linkplain Untrusted escaped} in every exclusion's detail.
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

  /** Default {@link Config#minIpv4PodCidrLength()}: an IPv4 pod CIDR must be /16 or longer. */
  public static final int DEFAULT_MIN_IPV4_POD_CIDR_LENGTH = 16;
  /** Default {@link Config#minIpv6PodCidrLength()}: an IPv6 pod CIDR must be /48 or longer. */
  public static final int DEFAULT_MIN_IPV6_POD_CIDR_LENGTH = 48;

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
   * @param clusterCidrs the cluster's pod networks: a node's pod CIDR of a family that has one
   *     here must lie inside one of them (empty: none configured)
   * @param minIpv4PodCidrLength for IPv4 when {@code clusterCidrs} has no IPv4 prefix: the
   *     shortest pod CIDR accepted, 1-32 bits ({@code /0} is always refused)
   * @param minIpv6PodCidrLength the same for IPv6, 1-128 bits
   * @param selfInternalIps our own node's InternalIPs, as text (no other node may use one as
   *     its endpoint; text that is not an address is ignored)
   */
  public record Config(String selfName, PublicKey selfKey, List<IpPrefix> selfPodCidrs,
      String annotationKey, int listenPort, AddressFamily family, boolean includeNodeAddress,
      Duration persistentKeepalive, List<IpPrefix> clusterCidrs, int minIpv4PodCidrLength,
      int minIpv6PodCidrLength, List<String> selfInternalIps) {
    public Config {
      Objects.requireNonNull(selfName, "selfName");
      Objects.requireNonNull(selfKey, "selfKey");
      selfPodCidrs = List.copyOf(selfPodCidrs);
      Objects.requireNonNull(annotationKey, "annotationKey");
      Objects.requireNonNull(family, "family");
      Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
      clusterCidrs = List.copyOf(clusterCidrs);
      selfInternalIps = List.copyOf(selfInternalIps);
      if (minIpv4PodCidrLength < 1 || minIpv4PodCidrLength > 32) {
        throw new IllegalArgumentException(
            "minIpv4PodCidrLength must be 1-32: " + minIpv4PodCidrLength);
      }
      if (minIpv6PodCidrLength < 1 || minIpv6PodCidrLength > 128) {
        throw new IllegalArgumentException(
            "minIpv6PodCidrLength must be 1-128: " + minIpv6PodCidrLength);
      }
    }

    /**
     * A config without cluster CIDRs and with the default minimum pod CIDR lengths ({@link
     * #DEFAULT_MIN_IPV4_POD_CIDR_LENGTH}, {@link #DEFAULT_MIN_IPV6_POD_CIDR_LENGTH}).
     */
    public Config(String selfName, PublicKey selfKey, List<IpPrefix> selfPodCidrs,
        String annotationKey, int listenPort, AddressFamily family, boolean includeNodeAddress,
        Duration persistentKeepalive) {
      this(selfName, selfKey, selfPodCidrs, annotationKey, listenPort, family, includeNodeAddress,
          persistentKeepalive, List.of(), DEFAULT_MIN_IPV4_POD_CIDR_LENGTH,
          DEFAULT_MIN_IPV6_POD_CIDR_LENGTH, List.of());
    }

    /** This config with other pod CIDR limits (see the record's parameters). */
    public Config withPodCidrLimits(List<IpPrefix> clusterCidrs, int minIpv4PodCidrLength,
        int minIpv6PodCidrLength) {
      return new Config(selfName, selfKey, selfPodCidrs, annotationKey, listenPort, family,
          includeNodeAddress, persistentKeepalive, clusterCidrs, minIpv4PodCidrLength,
          minIpv6PodCidrLength, selfInternalIps);
    }

    /** This config with our own node's InternalIPs (see the record's parameters). */
    public Config withSelfInternalIps(List<String> selfInternalIps) {
      return new Config(selfName, selfKey, selfPodCidrs, annotationKey, listenPort, family,
          includeNodeAddress, persistentKeepalive, clusterCidrs, minIpv4PodCidrLength,
          minIpv6PodCidrLength, selfInternalIps);
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
          "no " + Untrusted.lineSafe(config.annotationKey()) + " annotation");
    }
    PublicKey key;
    try {
      key = PublicKey.fromBase64(keyText.strip());
    } catch (KeyFormatException e) {
      return Result.excluded(node, Exclusion.Reason.BAD_KEY,
          Untrusted.lineSafe("annotation " + config.annotationKey() + ": " + e.getMessage()));
    }
    if (key.equals(config.selfKey())) {
      return Result.excluded(node, Exclusion.Reason.OWN_KEY,
          "publishes this node's own public key " + key);
    }
    Choice choice = chooseAddress(node.internalIps(), config.family());
    if (choice.address() == null) {
      return Result.excluded(node, Exclusion.Reason.NO_ADDRESS,
          "no usable InternalIP (" + config.family() + ") among " + choice.rejected());
    }
    InetAddress address = choice.address();
    Set<IpPrefix> allowed = new TreeSet<>();
    for (String cidr : node.podCidrs()) {
      IpPrefix prefix;
      try {
        prefix = IpPrefix.parse(cidr.strip());
      } catch (AddressFormatException e) {
        return Result.excluded(node, Exclusion.Reason.BAD_PREFIX, "pod CIDR: " + describe(e));
      }
      String problem = podCidrProblem(prefix, config);
      if (problem != null) {
        return Result.excluded(node, Exclusion.Reason.BAD_PREFIX, "pod CIDR " + prefix + problem);
      }
      allowed.add(prefix);
    }
    if (config.includeNodeAddress()) allowed.add(IpPrefix.host(address));
    Optional<String> note = Optional.empty();
    if (address.isLinkLocalAddress()) {
      note = Optional.of("endpoint " + Endpoint.of(address, config.listenPort())
          + " is link-local: the node has no routable InternalIP (" + config.family() + ")");
    }
    DesiredPeer peer = new DesiredPeer(node.name(), key,
        Endpoint.of(address, config.listenPort()), new TreeSet<>(allowed),
        config.persistentKeepalive(), note);
    return new Result(Optional.of(peer), Optional.empty());
  }

  /**
   * The checks across nodes, for candidates offered in age order (then name): a candidate is
   * placed unless one of its allowed IPs overlaps ours or a placed node's, or its endpoint is
   * one of our own InternalIPs or a placed node's. A placed node holds its ranges and endpoint
   * even if it later loses its key to a duplicate, so a newcomer can never take them over while
   * that node has a problem.
   */
  static final class Placement {
    private final PrefixSet taken = new PrefixSet();
    private final java.util.Map<Endpoint, String> endpoints = new java.util.HashMap<>();

    Placement(Config config) {
      for (IpPrefix c : config.selfPodCidrs()) {
        taken.add(c, name(config.selfName()) + " (this node)");
      }
      for (String ip : config.selfInternalIps()) {
        try {
          InetAddress a = parseAddress(ip);
          endpoints.put(Endpoint.of(a, config.listenPort()),
              name(config.selfName()) + " (this node)");
        } catch (AddressFormatException e) {
          // not an address: nobody can have it as an endpoint either
        }
      }
    }

    /** Places {@code p} and returns null, or returns why it cannot be placed. */
    Exclusion place(DesiredPeer p) {
      for (IpPrefix mine : p.allowedIps()) {
        String other = taken.overlap(mine);
        if (other != null) {
          return new Exclusion(p.nodeName(), Exclusion.Reason.OVERLAPPING_ALLOWED_IPS,
              mine + " overlaps " + other);
        }
      }
      String holder = endpoints.get(p.endpoint());
      if (holder != null) {
        return new Exclusion(p.nodeName(), Exclusion.Reason.DUPLICATE_ENDPOINT,
            "endpoint " + p.endpoint() + " is already " + holder + "'s"
            + (holder.endsWith(" (this node)") ? "" : " (an older node)"));
      }
      for (IpPrefix mine : p.allowedIps()) taken.add(mine, name(p.nodeName()));
      endpoints.put(p.endpoint(), name(p.nodeName()));
      return null;
    }
  }

  /** The exclusion of a placed node whose key {@code others} (names, sorted) also publish. */
  static Exclusion duplicateKey(DesiredPeer p, List<String> others) {
    return new Exclusion(p.nodeName(), Exclusion.Reason.DUPLICATE_KEY, "public key "
        + p.publicKey() + " is also published by "
        + String.join(", ", others.stream().map(MeshMapper::name).toList()));
  }

  /** A node name as it appears in another node's exclusion detail: escaped, cut short. */
  static String name(String nodeName) {
    return Untrusted.lineSafe(nodeName, Untrusted.MAX_VALUE);
  }

  /**
   * Why {@code prefix} may not be a pod CIDR (text following the prefix), or null if it may:
   * inside a cluster CIDR of its family if there is one, else not {@code /0} and not shorter than
   * the family's minimum. An over-wide claim would let the node send from (and receive) any
   * address in it, and would make every later node that overlaps it an outcast.
   */
  private static String podCidrProblem(IpPrefix prefix, Config config) {
    boolean familyConfigured = false;
    for (IpPrefix c : config.clusterCidrs()) {
      if (c.isIpv4() != prefix.isIpv4()) continue;
      if (c.contains(prefix)) return null;
      familyConfigured = true;
    }
    if (familyConfigured) {
      return " lies outside the cluster CIDRs " + config.clusterCidrs();
    }
    int min = prefix.isIpv4() ? config.minIpv4PodCidrLength() : config.minIpv6PodCidrLength();
    if (prefix.length() == 0 || prefix.length() < min) {
      return " is wider than /" + min + ", the shortest pod CIDR accepted without a cluster CIDR";
    }
    for (Map.Entry<IpPrefix, String> special : SPECIAL_RANGES.entrySet()) {
      if (special.getKey().overlaps(prefix)) {
        return " overlaps " + special.getKey() + " (" + special.getValue()
            + "), never a pod network";
      }
    }
    return null;
  }

  /**
   * Address space that is never a pod network (refused as pod CIDRs when no cluster CIDR of the
   * family says otherwise), as InternalIPs there are refused as endpoints: packets to them would
   * go to the peer (every link-local or multicast packet on the interface) and the peer could
   * send from them.
   */
  private static final Map<IpPrefix, String> SPECIAL_RANGES = specialRanges();

  private static Map<IpPrefix, String> specialRanges() {
    Map<IpPrefix, String> m = new java.util.LinkedHashMap<>();
    String[][] ranges = {
        {"0.0.0.0/8", "\"this network\""}, {"127.0.0.0/8", "loopback"},
        {"169.254.0.0/16", "link-local"}, {"224.0.0.0/4", "multicast"},
        {"240.0.0.0/4", "reserved, with broadcast"}, {"::/128", "unspecified"},
        {"::1/128", "loopback"}, {"::ffff:0:0/96", "IPv4-mapped"},
        {"fe80::/10", "link-local"}, {"ff00::/8", "multicast"}};
    for (String[] r : ranges) {
      try {
        m.put(IpPrefix.parse(r[0]), r[1]);
      } catch (AddressFormatException e) {
        throw new AssertionError(e);
      }
    }
    return java.util.Collections.unmodifiableMap(m);
  }

  /** A parse error's message with the rejected input escaped and cut short. */
  private static String describe(AddressFormatException e) {
    String message = e.getMessage();
    String raw = "\"" + e.input() + "\"";
    int at = message.lastIndexOf(raw);
    return at < 0 ? Untrusted.lineSafe(message)
        : Untrusted.lineSafe(message.substring(0, at)) + Untrusted.quote(e.input());
  }

  /** How an InternalIP can serve as an endpoint, best first. */
  enum Usability {
    /** Routable: loopback, multicast, link-local and the like excluded. */
    ROUTABLE,
    /** Link-local (169.254/16, fe80::/10): only when nothing routable exists. */
    LINK_LOCAL,
    /** Never: unspecified, loopback, multicast, broadcast, "this network" (0/8). */
    UNUSABLE
  }

  /** The usability of {@code a} as another node's endpoint. */
  static Usability usability(InetAddress a) {
    a = embeddedIpv4(a);
    byte[] b = a.getAddress();
    if (a.isAnyLocalAddress() || a.isLoopbackAddress() || a.isMulticastAddress()) {
      return Usability.UNUSABLE;
    }
    if (b.length == 4 && (b[0] == 0 || (b[0] & b[1] & b[2] & b[3]) == (byte) 0xff)) {
      return Usability.UNUSABLE; // 0.0.0.0/8 is "this network"; 255.255.255.255 broadcast
    }
    return a.isLinkLocalAddress() ? Usability.LINK_LOCAL : Usability.ROUTABLE;
  }

  /**
   * The IPv4 address an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) carries, else {@code a}:
   * packets to the mapped address go to the IPv4 one, so that one decides usability.
   */
  private static InetAddress embeddedIpv4(InetAddress a) {
    byte[] b = a.getAddress();
    if (b.length != 16 || b[10] != (byte) 0xff || b[11] != (byte) 0xff) return a;
    for (int i = 0; i < 10; i++) {
      if (b[i] != 0) return a;
    }
    return io.clusternet.api.net.IpAddresses.fromBytes(java.util.Arrays.copyOfRange(b, 12, 16));
  }

  private static String whyUnusable(InetAddress a) {
    a = embeddedIpv4(a);
    if (a.isAnyLocalAddress()) return "unspecified";
    if (a.isLoopbackAddress()) return "loopback";
    if (a.isMulticastAddress()) return "multicast";
    return a.getAddress()[0] == 0 ? "\"this network\"" : "broadcast";
  }

  /**
   * The chosen address (null if none) and, for the message when there is none, every InternalIP
   * with why it was not taken.
   */
  private record Choice(InetAddress address, String rejected) {}

  /**
   * Picks the endpoint address: routable before link-local, then the family preference, then
   * the order listed. Unusable addresses and text that is not an address are never chosen.
   */
  private static Choice chooseAddress(List<String> ips, AddressFamily family) {
    InetAddress best = null;
    int bestRank = Integer.MAX_VALUE;
    List<String> rejected = new ArrayList<>();
    for (String ip : ips) {
      InetAddress a;
      try {
        a = parseAddress(ip);
      } catch (AddressFormatException e) {
        rejected.add(Untrusted.quote(ip) + " (not an IP address)");
        continue;
      }
      boolean v4 = a.getAddress().length == 4;
      Usability u = usability(a);
      if (u == Usability.UNUSABLE) {
        rejected.add(Untrusted.quote(ip) + " (" + whyUnusable(a) + ")");
        continue;
      }
      boolean preferred = switch (family) {
        case PREFER_IPV4, IPV4_ONLY -> v4;
        case PREFER_IPV6, IPV6_ONLY -> !v4;
      };
      if (!preferred && (family == AddressFamily.IPV4_ONLY || family == AddressFamily.IPV6_ONLY)) {
        rejected.add(Untrusted.quote(ip) + " (other family)");
        continue;
      }
      int rank = u.ordinal() * 2 + (preferred ? 0 : 1);
      if (rank < bestRank) {
        best = a;
        bestRank = rank;
      }
    }
    int shown = Math.min(rejected.size(), MAX_LISTED);
    String text = "[" + String.join(", ", rejected.subList(0, shown))
        + (rejected.size() > shown ? ", ... " + (rejected.size() - shown) + " more" : "") + "]";
    return new Choice(best, text);
  }

  /**
   * An InternalIP's text as an address: IpPrefix's literal parser, strict, never DNS. An
   * IPv4-mapped address ({@code ::ffff:a.b.c.d}) is the IPv4 address it carries, as Kubernetes
   * reads it: as an endpoint the mapped form fails on wireguard-go (network is unreachable), and
   * kept apart it would escape the duplicate-endpoint and own-address checks.
   */
  private static InetAddress parseAddress(String ip) throws AddressFormatException {
    return embeddedIpv4(IpPrefix.parse(ip.strip() + (ip.contains(":") ? "/128" : "/32"))
        .address());
  }

  /** How many rejected InternalIPs an exclusion's message lists. */
  private static final int MAX_LISTED = 8;
}
