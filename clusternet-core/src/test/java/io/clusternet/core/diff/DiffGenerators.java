package io.clusternet.core.diff;

import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.props.Gens;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;

/** Generators of desired peers, device contents and node changes for the diff's property tests. */
public final class DiffGenerators {
  private DiffGenerators() {}

  /**
   * A peer: key 1 to 40, endpoint 192.0.2.1 to .4, up to four /24s of 10.244.0-60.0 (small
   * pools, so that keys and ranges collide between the desired and the actual side).
   */
  public static Gen<DesiredPeer> peers() {
    return Gens.ints(1, 40).zip(Gens.ints(1, 4), Gens.sets(Gens.ints(0, 60), 4),
        (k, e, cidrs) -> {
          try {
            return PeerDiffTest.peer(k, e, cidrs.stream().mapToInt(Integer::intValue).toArray());
          } catch (Exception ex) {
            throw new AssertionError(ex);
          }
        });
  }

  /** What is desired and what the device has: up to 25 peers each. */
  public record Scenario(List<DesiredPeer> desired, List<DesiredPeer> actual) {}

  /** Scenarios of up to 25 desired and 25 actual peers. */
  public static Gen<Scenario> scenarios() {
    return Gens.lists(peers(), 0, 25).zip(Gens.lists(peers(), 0, 25), Scenario::new);
  }

  /** The three node keys {@link #nodeChanges()} draws from. */
  public static final List<String> NODE_KEYS = List.of(
      X25519.publicKey(X25519.generatePrivateKey()).toBase64(),
      X25519.publicKey(X25519.generatePrivateKey()).toBase64(),
      X25519.publicKey(X25519.generatePrivateKey()).toBase64());

  /**
   * 1 to 12 node upserts: four names, three keys, two addresses, four ranges (one nested in
   * another), so that re-keys, moves and range takeovers happen often.
   */
  public static Gen<List<NodeInfo>> nodeChanges() {
    Gen<NodeInfo> node = Gens.oneOf("a", "b", "c", "d").zip(
        Gens.ints(0, NODE_KEYS.size() - 1), Gens.oneOf("192.0.2.1", "192.0.2.2"),
        Gens.oneOf("10.244.1.0/24", "10.244.1.0/25", "10.244.2.0/24", "10.244.3.0/24"),
        (name, k, ip, cidr) -> new NodeInfo(name, Instant.ofEpochSecond(name.charAt(0)),
            Map.of("clusternet.io/wireguard-public-key", NODE_KEYS.get(k)), List.of(ip),
            List.of(cidr)));
    return Gens.lists(node, 1, 12);
  }
}
