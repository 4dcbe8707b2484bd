package io.clusternet.core.mesh;

import io.clusternet.props.Gens;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;

/**
 * Generators of cluster nodes and of sequences of cluster changes, for the mesh's property tests.
 * The pools are small on purpose, so that overlapping and nested ranges, shared keys, equal ages
 * and bad data collide often. Each pool is its own method: a new form of data (another kind of
 * InternalIP, say) is one more entry there.
 */
public final class MeshGenerators {
  private MeshGenerators() {}

  /** Node names; "self" is the configured own node; one tries to forge a status line. */
  public static List<String> nodeNames() {
    return List.of("a", "b", "c", "d", "e", "f", "self", FORGED_NAME);
  }

  /** A name with a newline, as a node source other than the API server could hand over. */
  public static final String FORGED_NAME = "g\n  health: healthy";

  /** Annotation values: four random keys, our own key, and text that is no key. */
  public static final List<String> KEYS = List.of(MeshMapperTest.key(), MeshMapperTest.key(),
      MeshMapperTest.key(), MeshMapperTest.key(), MeshMapperTest.SELF.toBase64(), "###");

  /**
   * Pod CIDRs: nested, overlapping and disjoint IPv4 and IPv6 ranges; over-wide ones (everything,
   * the service network, /8s) that only some configs accept; one outside the cluster CIDR; text
   * that is no CIDR, one with a newline, and special address space (loopback, multicast,
   * link-local, IPv4-mapped).
   */
  public static List<String> podCidrs() {
    return List.of("10.244.0.0/16", "10.244.1.0/24", "10.244.1.128/25", "10.244.2.0/24",
        "10.244.3.0/24", "10.244.0.0/24", "10.0.0.0/8", "fd00::/64", "fd00::/56", "fd00:1::/64",
        "::/0", "0.0.0.0/0", "10.96.0.0/12", "fd00::/8", "10.245.0.0/24", "nonsense",
        "10.244.4.0/24\n  health: healthy", "127.0.0.0/24", "224.0.0.0/24", "169.254.0.0/24",
        "fe80::/64", "::ffff:0:0/96");
  }

  /**
   * Node InternalIPs: two routable IPv4 (one is our own in {@link #configs()}), one IPv6,
   * link-local IPv4 and IPv6, unusable ones (loopback, multicast, unspecified, broadcast), text
   * that is no address, and one with a newline.
   */
  public static List<String> internalIps() {
    return List.of("192.0.2.1", "192.0.2.2", "fd00::1", "169.254.1.10", "fe80::1",
        "127.0.0.1", "224.0.0.5", "ff02::1", "::", "255.255.255.255", "bogus",
        "192.0.2.3\n  health: healthy");
  }

  /**
   * The configs a property runs under: the plain one; one with our own InternalIP, a cluster
   * CIDR for IPv4 and a low IPv6 minimum; one with no cluster CIDR and low minimums (so /8s,
   * and their overlaps, are accepted); one preferring IPv6.
   */
  public static List<MeshMapper.Config> configs() throws Exception {
    MeshMapper.Config plain = MeshMapperTest.config();
    MeshMapper.Config v6 = new MeshMapper.Config(plain.selfName(), plain.selfKey(),
        plain.selfPodCidrs(), plain.annotationKey(), plain.listenPort(),
        MeshMapper.AddressFamily.PREFER_IPV6, true, plain.persistentKeepalive());
    return List.of(plain,
        plain.withSelfInternalIps(List.of("192.0.2.2"))
            .withPodCidrLimits(List.of(io.clusternet.api.net.IpPrefix.parse("10.244.0.0/16")),
                16, 8),
        plain.withPodCidrLimits(List.of(), 8, 8),
        v6);
  }

  /**
   * A node: a name, an age of 0 to 3 seconds, no key annotation or one of {@link #KEYS}, up to
   * three InternalIPs and up to three pod CIDRs.
   */
  public static Gen<NodeInfo> nodes() {
    return Gens.oneOf(nodeNames()).zip(Gens.ints(0, 3), Gens.ints(-1, KEYS.size() - 1),
        Gens.lists(Gens.oneOf(internalIps()), 0, 3), Gens.lists(Gens.oneOf(podCidrs()), 0, 3),
        (name, age, key, ips, cidrs) -> new NodeInfo(name, Instant.ofEpochSecond(age),
            key < 0 ? Map.of() : Map.of(MeshMapperTest.ANN, KEYS.get(key)), ips, cidrs));
  }

  /** One change to the cluster: a node added or replaced, a node removed, or a new snapshot. */
  public record Step(Kind kind, NodeInfo node, List<NodeInfo> snapshot) {
    public enum Kind { UPSERT, REMOVE, SNAPSHOT }
  }

  /** 1 to 25 changes, upserts six times as likely as snapshots and removals thrice. */
  public static Gen<List<Step>> steps() {
    Gen<Step> upsert = nodes().map(n -> new Step(Step.Kind.UPSERT, n, null));
    Gen<Step> remove = nodes().map(n -> new Step(Step.Kind.REMOVE, n, null));
    Gen<Step> snapshot = Gens.lists(nodes(), 0, 7)
        .map(l -> new Step(Step.Kind.SNAPSHOT, null, l));
    return Gens.lists(Gens.weighted(new int[] {6, 2, 1}, upsert, remove, snapshot), 1, 25);
  }
}
