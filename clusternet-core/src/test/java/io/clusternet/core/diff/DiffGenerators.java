package io.clusternet.core.diff;

import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.props.Gens;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
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

  /**
   * A peer on the device as WireGuard may report it: {@code peer}'s configuration, but with
   * endpoint {@code endpointChoice} (0: none; 1-4: 192.0.2.1-4:51820, the desired side's pool;
   * 5: 198.51.100.7:40000, a NAT's address) and a latest handshake {@code handshakeAge} before
   * {@link #NOW} (empty: none; negative: in the future).
   */
  public record DevicePeer(DesiredPeer peer, int endpointChoice, Optional<Duration> handshakeAge) {}

  /** The time the roaming scenarios' handshake ages are measured from. */
  public static final Instant NOW = Instant.parse("2026-11-29T21:00:00Z");

  /**
   * A device and a desired mesh under an endpoint policy: up to 25 peers each, each device
   * peer's endpoint possibly roamed and its handshake age around the grace boundary (none, 0,
   * 1 s, the grace minus 1 ms, the grace, the grace plus 1 ms, ten graces, and the same in the
   * future).
   */
  public record RoamingScenario(List<DesiredPeer> desired, List<DevicePeer> actual,
      EndpointPolicy policy, Duration grace) {}

  /** Roaming scenarios; the grace is 1 s, 25 s or 180 s. */
  public static Gen<RoamingScenario> roamingScenarios() {
    Gen<Duration> graces = Gens.oneOf(Duration.ofSeconds(1), Duration.ofSeconds(25),
        Duration.ofSeconds(180));
    return graces.flatMap(grace -> {
      Gen<Optional<Duration>> ages = Gens.oneOf(Optional.empty(), Optional.of(Duration.ZERO),
          Optional.of(Duration.ofSeconds(1)), Optional.of(grace.minusMillis(1)),
          Optional.of(grace), Optional.of(grace.plusMillis(1)), Optional.of(grace.multipliedBy(10)),
          Optional.of(grace.negated()), Optional.of(grace.plusMillis(1).negated()));
      Gen<DevicePeer> device = peers().zip(Gens.ints(0, 5), ages, DevicePeer::new);
      return Gens.lists(peers(), 0, 25).zip(Gens.lists(device, 0, 25),
          Gens.oneOf(EndpointPolicy.values()),
          (d, a, policy) -> new RoamingScenario(d, a, policy, grace));
    });
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
