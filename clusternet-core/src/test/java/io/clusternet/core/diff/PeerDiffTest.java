package io.clusternet.core.diff;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.diff.DiffGenerators.Scenario;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.props.Props;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import java.net.InetAddress;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

class PeerDiffTest {
  static final PrivateKey DEVICE_KEY = X25519.generatePrivateKey();

  static PublicKey key(int n) throws Exception {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    b[1] = 9;
    return PublicKey.fromBytes(b);
  }

  static DesiredPeer peer(int n, int endpointHost, int... cidrs) throws Exception {
    TreeSet<IpPrefix> ips = new TreeSet<>();
    for (int c : cidrs) ips.add(IpPrefix.parse("10.244." + c + ".0/24"));
    return new DesiredPeer("node-" + n, key(n),
        Endpoint.of(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2, (byte) endpointHost}),
            51820), ips, Duration.ZERO);
  }

  static SortedMap<PublicKey, DesiredPeer> desired(DesiredPeer... peers) {
    SortedMap<PublicKey, DesiredPeer> m = new TreeMap<>();
    for (DesiredPeer p : peers) m.put(p.publicKey(), p);
    return m;
  }

  static PeerState state(DesiredPeer p) {
    return new PeerState(p.publicKey(), Optional.empty(), Optional.of(p.endpoint()),
        new ArrayList<>(p.allowedIps()), p.persistentKeepalive(),
        Optional.of(Instant.now()), 12345, 67890, 1);
  }

  static DeviceState device(PeerState... peers) {
    return new DeviceState("wg0", Optional.of(DEVICE_KEY), Optional.of(X25519.publicKey(DEVICE_KEY)),
        51820, 0, List.of(peers));
  }

  static PeerPlan plan(SortedMap<PublicKey, DesiredPeer> d, DeviceState s) {
    return PeerDiff.compute(d, s, Optional.of(DEVICE_KEY), OptionalInt.of(51820));
  }

  @Test
  void aTableOfCases() throws Exception {
    DesiredPeer a = peer(1, 1, 1);
    DesiredPeer b = peer(2, 2, 2);
    DesiredPeer bMoved = peer(2, 22, 2);
    DesiredPeer bMoreIps = peer(2, 2, 2, 3);
    // empty device: add everything, sorted by key
    PeerPlan p = plan(desired(b, a), device());
    assertThat(p.add()).extracting(PeerConfig::publicKey).containsExactly(key(1), key(2));
    assertThat(p.update()).isEmpty();
    assertThat(p.remove()).isEmpty();
    // in sync, even with different handshakes and counters: nothing
    assertThat(plan(desired(a, b), device(state(a), state(b))).isEmpty()).isTrue();
    // endpoint changed, allowed IPs changed: update
    assertThat(plan(desired(a, bMoved), device(state(a), state(b))).update())
        .extracting(PeerConfig::publicKey).containsExactly(key(2));
    assertThat(plan(desired(a, bMoreIps), device(state(a), state(b))).update())
        .singleElement().satisfies(u -> assertThat(u.replaceAllowedIps()).isTrue());
    // stray peer: remove
    assertThat(plan(desired(a), device(state(a), state(b))).remove()).containsExactly(key(2));
    // a node's key changed: the old peer goes, the new one comes
    DesiredPeer rekeyed = new DesiredPeer("node-2", key(3), b.endpoint(), b.allowedIps(),
        Duration.ZERO);
    PeerPlan swap = plan(desired(a, rekeyed), device(state(a), state(b)));
    assertThat(swap.remove()).containsExactly(key(2));
    assertThat(swap.add()).extracting(PeerConfig::publicKey).containsExactly(key(3));
    assertThat(swap.summary()).isEqualTo("1 to add, 0 to update, 1 to remove");
    assertThat(swap.reasons()).anyMatch(r -> r.contains("remove")).anyMatch(r -> r.contains("add"));
    // removals come first in the request, so moved allowed IPs land on the new peer
    assertThat(swap.toDeviceConfig().peers().get(0).remove()).isTrue();
    assertThat(swap.toDeviceConfig().replacePeers()).isFalse();
  }

  @Test
  void deviceSettingsAreEnforced() throws Exception {
    DeviceState fresh = new DeviceState("wg0", Optional.empty(), Optional.empty(), 0, 0, List.of());
    PeerPlan p = plan(desired(), fresh);
    assertThat(p.isEmpty()).isFalse();
    assertThat(p.deviceConfig().privateKey()).contains(DEVICE_KEY);
    assertThat(p.deviceConfig().listenPort()).hasValue(51820);
  }

  static SortedMap<PublicKey, DesiredPeer> uniqueByKeyWithDisjointIps(List<DesiredPeer> peers) {
    SortedMap<PublicKey, DesiredPeer> out = new TreeMap<>();
    Set<IpPrefix> taken = new HashSet<>();
    for (DesiredPeer p : peers) {
      if (out.containsKey(p.publicKey())) continue;
      TreeSet<IpPrefix> mine = new TreeSet<>(p.allowedIps());
      mine.removeAll(taken);
      taken.addAll(mine);
      out.put(p.publicKey(), new DesiredPeer(p.nodeName(), p.publicKey(), p.endpoint(), mine,
          p.persistentKeepalive()));
    }
    return out;
  }

  /** Applying the plan yields the desired state; planning again yields nothing. */
  @Test
  void applyingThePlanConvergesAndReplanningIsEmpty() {
    Props.check(300, DiffGenerators.scenarios(), PeerDiffTest::applyingThePlanConverges);
  }

  private static void applyingThePlanConverges(Scenario s) throws Exception {
    FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
    fake.createDevice("wg0");
    SortedMap<PublicKey, DesiredPeer> actual = uniqueByKeyWithDisjointIps(s.actual());
    DeviceConfig.Builder seed = DeviceConfig.builder();
    actual.values().forEach(p -> seed.peer(PeerDiff.config(p)));
    fake.configure("wg0", seed.build());

    SortedMap<PublicKey, DesiredPeer> want = uniqueByKeyWithDisjointIps(s.desired());
    DeviceState before = fake.device("wg0").orElseThrow();
    PeerPlan plan = PeerDiff.compute(want, before, Optional.of(DEVICE_KEY),
        OptionalInt.of(51820));
    fake.configure("wg0", plan.toDeviceConfig());

    DeviceState after = fake.device("wg0").orElseThrow();
    // The reconciler's inferred state equals what the (kernel-faithful) device reports.
    DeviceState inferred = plan.applyTo(before);
    assertThat(inferred.listenPort()).isEqualTo(after.listenPort());
    assertThat(inferred.peers()).hasSameSizeAs(after.peers());
    for (PeerState p : inferred.peers()) {
      PeerState real = after.peer(p.publicKey()).orElseThrow();
      assertThat(p.endpoint()).isEqualTo(real.endpoint());
      assertThat(new TreeSet<>(p.allowedIps())).isEqualTo(new TreeSet<>(real.allowedIps()));
    }
    assertThat(PeerDiff.compute(want, inferred, Optional.of(DEVICE_KEY), OptionalInt.of(51820))
        .isEmpty()).isTrue();
    assertThat(after.peers()).hasSize(want.size());
    for (PeerState p : after.peers()) {
      DesiredPeer w = want.get(p.publicKey());
      assertThat(w).isNotNull();
      assertThat(p.endpoint()).contains(w.endpoint());
      assertThat(new TreeSet<>(p.allowedIps())).isEqualTo(w.allowedIps());
    }
    assertThat(PeerDiff.compute(want, after, Optional.of(DEVICE_KEY), OptionalInt.of(51820))
        .isEmpty()).isTrue();
    // Sorted and deterministic.
    assertThat(plan.add()).extracting(PeerConfig::publicKey).isSorted();
    assertThat(plan.remove()).isSorted();
    assertThat(PeerDiff.compute(want, fake.device("wg0").orElseThrow(), Optional.of(DEVICE_KEY),
        OptionalInt.of(51820))).isEqualTo(PeerDiff.compute(want, after, Optional.of(DEVICE_KEY),
        OptionalInt.of(51820)));
  }

  /**
   * The incremental diff gives exactly the full diff's plan whenever its condition holds (the
   * device is exactly the previous mesh), whether unchanged peers are the same objects or only
   * equal ones.
   */
  @Test
  void theDiffSinceThePreviousMeshEqualsTheFullDiff() {
    Props.check(300, DiffGenerators.scenarios(), PeerDiffTest::theDiffSinceEqualsTheFullDiff);
  }

  private static void theDiffSinceEqualsTheFullDiff(Scenario s) throws Exception {
    FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
    fake.createDevice("wg0");
    SortedMap<PublicKey, DesiredPeer> previous = uniqueByKeyWithDisjointIps(s.actual());
    DeviceConfig.Builder seed = DeviceConfig.builder().privateKey(DEVICE_KEY).listenPort(51820);
    previous.values().forEach(p -> seed.peer(PeerDiff.config(p)));
    fake.configure("wg0", seed.build());
    DeviceState device = fake.device("wg0").orElseThrow();

    SortedMap<PublicKey, DesiredPeer> want = new TreeMap<>();
    int i = 0;
    for (DesiredPeer p : uniqueByKeyWithDisjointIps(s.desired()).values()) {
      DesiredPeer had = previous.get(p.publicKey());
      // Where unchanged, reuse the previous object every other time (as MeshState does always).
      want.put(p.publicKey(), p.equals(had) && (i++ & 1) == 0 ? had : p);
    }
    PeerPlan full = PeerDiff.compute(want, device, Optional.of(DEVICE_KEY), OptionalInt.of(51820));
    PeerPlan since = PeerDiff.computeSince(want, previous, DeviceIndex.of(device),
        Optional.of(DEVICE_KEY), OptionalInt.of(51820));
    assertThat(since).isEqualTo(full);
    assertThat(PeerDiff.computeSince(previous, previous, DeviceIndex.of(device),
        Optional.of(DEVICE_KEY), OptionalInt.of(51820)).isEmpty()).isTrue();
  }

  /**
   * What the reconciler does between resyncs: each mesh of a {@link
   * io.clusternet.core.mesh.MeshState} diffed only by the keys it reports as changed, against the
   * device holding the previous mesh, gives the full diff's plan.
   */
  @Test
  void theDiffOfAMeshStatesChangedKeysEqualsTheFullDiff() {
    Props.check(200, DiffGenerators.nodeChanges(), PeerDiffTest::changedKeysDiffEqualsTheFullDiff);
  }

  private static void changedKeysDiffEqualsTheFullDiff(
      List<io.clusternet.core.mesh.NodeInfo> changes) throws Exception {
    io.clusternet.core.mesh.MeshState state = new io.clusternet.core.mesh.MeshState(
        new io.clusternet.core.mesh.MeshMapper.Config("self", X25519.publicKey(DEVICE_KEY),
            List.of(), "clusternet.io/wireguard-public-key", 51820,
            io.clusternet.core.mesh.MeshMapper.AddressFamily.PREFER_IPV4, false,
            Duration.ZERO));
    FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
    fake.createDevice("wg0");
    fake.configure("wg0", DeviceConfig.builder().privateKey(DEVICE_KEY).listenPort(51820).build());
    io.clusternet.core.mesh.DesiredMesh before = state.mesh();
    for (io.clusternet.core.mesh.NodeInfo n : changes) {
      io.clusternet.core.mesh.DesiredMesh now = state.update(List.of(n), List.of());
      DeviceState device = fake.device("wg0").orElseThrow();
      PeerPlan since = PeerDiff.computeSince(now, before, DeviceIndex.of(device),
          Optional.of(DEVICE_KEY), OptionalInt.of(51820));
      assertThat(now.changedSince(before)).isPresent(); // the O(changes) path is the one tested
      assertThat(since).isEqualTo(PeerDiff.compute(now.peers(), device, Optional.of(DEVICE_KEY),
          OptionalInt.of(51820)));
      fake.configure("wg0", since.toDeviceConfig());
      before = now;
    }
  }

  static final Endpoint NAT = endpoint("198.51.100.7", 40000);

  static Endpoint endpoint(String address, int port) {
    try {
      return Endpoint.of(InetAddress.getByName(address), port);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** {@code p} on the device with endpoint {@code at} and a handshake {@code age} before now. */
  static PeerState roamed(DesiredPeer p, Optional<Endpoint> at, Optional<Duration> age) {
    return new PeerState(p.publicKey(), Optional.empty(), at, new ArrayList<>(p.allowedIps()),
        p.persistentKeepalive(), age.map(DiffGenerators.NOW::minus), 1, 1, 1);
  }

  static PeerPlan plan(SortedMap<PublicKey, DesiredPeer> d, DeviceState s, EndpointPolicy policy) {
    return PeerDiff.compute(d, s, Optional.of(DEVICE_KEY), OptionalInt.of(51820),
        new EndpointRule(policy, EndpointPolicy.DEFAULT_GRACE, DiffGenerators.NOW));
  }

  @Test
  void roamedEndpointsUnderEachPolicy() throws Exception {
    DesiredPeer a = peer(1, 1, 1);
    Optional<Duration> fresh = Optional.of(Duration.ofSeconds(5));
    Optional<Duration> stale = Optional.of(Duration.ofSeconds(181));
    DeviceState roamedFresh = device(roamed(a, Optional.of(NAT), fresh));
    // ROAMING: a roamed endpoint with a recent handshake is no difference
    assertThat(plan(desired(a), roamedFresh, EndpointPolicy.ROAMING).isEmpty()).isTrue();
    // ... up to the grace itself, and not a millisecond longer
    assertThat(plan(desired(a), device(roamed(a, Optional.of(NAT),
        Optional.of(Duration.ofSeconds(180)))), EndpointPolicy.ROAMING).isEmpty()).isTrue();
    assertThat(plan(desired(a), device(roamed(a, Optional.of(NAT),
        Optional.of(Duration.ofMillis(180_001)))), EndpointPolicy.ROAMING).update())
        .singleElement().satisfies(u -> assertThat(u.endpoint()).contains(a.endpoint()));
    // a stale handshake, no handshake, or no endpoint at all: the configured endpoint again
    for (DeviceState s : List.of(device(roamed(a, Optional.of(NAT), stale)),
        device(roamed(a, Optional.of(NAT), Optional.empty())),
        device(roamed(a, Optional.empty(), fresh)))) {
      assertThat(plan(desired(a), s, EndpointPolicy.ROAMING).update()).singleElement()
          .satisfies(u -> assertThat(u.endpoint()).contains(a.endpoint()));
    }
    // an update for another field leaves the kept endpoint out, and says so
    DesiredPeer aMoreIps = peer(1, 1, 1, 2);
    PeerPlan more = plan(desired(aMoreIps), roamedFresh, EndpointPolicy.ROAMING);
    assertThat(more.update()).singleElement().satisfies(u -> {
      assertThat(u.endpoint()).isEmpty();
      assertThat(u.replaceAllowedIps()).isTrue();
      assertThat(u.allowedIps()).containsExactlyElementsOf(aMoreIps.allowedIps());
    });
    assertThat(more.reasons()).singleElement().asString()
        .contains("roamed endpoint " + NAT + " kept");
    assertThat(more.applyTo(roamedFresh).peer(a.publicKey()).orElseThrow().endpoint())
        .contains(NAT);
    // CONFIGURED: written back, as the diff without a rule does
    assertThat(plan(desired(a), roamedFresh, EndpointPolicy.CONFIGURED).update()).singleElement()
        .satisfies(u -> assertThat(u.endpoint()).contains(a.endpoint()));
    assertThat(plan(desired(a), roamedFresh, EndpointPolicy.CONFIGURED))
        .isEqualTo(plan(desired(a), roamedFresh));
    // a new peer always gets its configured endpoint
    DesiredPeer b = peer(2, 2, 2);
    assertThat(plan(desired(a, b), roamedFresh, EndpointPolicy.ROAMING).add()).singleElement()
        .satisfies(c -> assertThat(c.endpoint()).contains(b.endpoint()));
  }

  /**
   * The endpoint policy's rule holds on arbitrary devices: under ROAMING exactly the peers with a
   * roamed endpoint and a handshake within the grace (either way) keep it, with no endpoint in
   * any update for them; every other peer ends at its configured endpoint; new peers get theirs;
   * the rest of the configuration converges; replanning is empty; CONFIGURED is the diff without
   * a rule; the incremental diff plans each peer it looks at as the full diff does.
   */
  @Test
  void theEndpointPolicyHoldsOnAnyDevice() {
    Props.check(400, DiffGenerators.roamingScenarios(), PeerDiffTest::theEndpointPolicyHolds);
  }

  /** The oracle, written apart from {@link EndpointRule}: ages in milliseconds. */
  static boolean keeps(EndpointPolicy policy, Duration grace, DesiredPeer want, PeerState have) {
    if (policy != EndpointPolicy.ROAMING || have.endpoint().isEmpty()
        || have.endpoint().get().equals(want.endpoint()) || have.lastHandshake().isEmpty()) {
      return false;
    }
    long ageMillis = DiffGenerators.NOW.toEpochMilli() - have.lastHandshake().get().toEpochMilli();
    return Math.abs(ageMillis) <= grace.toMillis();
  }

  private static void theEndpointPolicyHolds(DiffGenerators.RoamingScenario s) throws Exception {
    SortedMap<PublicKey, DesiredPeer> previous = new TreeMap<>();
    List<PeerState> onDevice = new ArrayList<>();
    Set<IpPrefix> taken = new HashSet<>();
    for (DiffGenerators.DevicePeer d : s.actual()) {
      DesiredPeer p = d.peer();
      if (previous.containsKey(p.publicKey())) continue;
      TreeSet<IpPrefix> mine = new TreeSet<>(p.allowedIps());
      mine.removeAll(taken);
      taken.addAll(mine);
      DesiredPeer configured = new DesiredPeer(p.nodeName(), p.publicKey(), p.endpoint(), mine,
          p.persistentKeepalive());
      previous.put(p.publicKey(), configured);
      Optional<Endpoint> at = d.endpointChoice() == 0 ? Optional.empty()
          : d.endpointChoice() == 5 ? Optional.of(NAT)
          : Optional.of(endpoint("192.0.2." + d.endpointChoice(), 51820));
      onDevice.add(roamed(configured, at, d.handshakeAge()));
    }
    DeviceState before = device(onDevice.toArray(PeerState[]::new));
    SortedMap<PublicKey, DesiredPeer> want = uniqueByKeyWithDisjointIps(s.desired());
    // Unchanged peers are the previous objects, as MeshState keeps them.
    want.replaceAll((k, v) -> v.equals(previous.get(k)) ? previous.get(k) : v);
    EndpointRule rule = new EndpointRule(s.policy(), s.grace(), DiffGenerators.NOW);
    PeerPlan plan = PeerDiff.compute(want, before, Optional.of(DEVICE_KEY), OptionalInt.of(51820),
        rule);

    java.util.Map<PublicKey, PeerConfig> adds = new java.util.HashMap<>();
    plan.add().forEach(c -> adds.put(c.publicKey(), c));
    java.util.Map<PublicKey, PeerConfig> updates = new java.util.HashMap<>();
    plan.update().forEach(c -> updates.put(c.publicKey(), c));
    for (DesiredPeer w : want.values()) {
      Optional<PeerState> have = before.peer(w.publicKey());
      if (have.isEmpty()) {
        assertThat(adds.get(w.publicKey()).endpoint()).as("new peer").contains(w.endpoint());
        continue;
      }
      PeerConfig u = updates.get(w.publicKey());
      boolean keep = keeps(s.policy(), s.grace(), w, have.get());
      assertThat(rule.keepsRoamed(w.endpoint(), have.get())).isEqualTo(keep);
      if (keep) {
        if (u != null) assertThat(u.endpoint()).as("kept: no endpoint in the update").isEmpty();
      } else if (!have.get().endpoint().equals(Optional.of(w.endpoint()))) {
        assertThat(u).as("endpoint written back").isNotNull();
        assertThat(u.endpoint()).contains(w.endpoint());
      }
    }

    DeviceState after = plan.applyTo(before);
    assertThat(after.peers()).hasSize(want.size());
    for (PeerState p : after.peers()) {
      DesiredPeer w = want.get(p.publicKey());
      assertThat(w).isNotNull();
      Optional<PeerState> had = before.peer(p.publicKey());
      boolean keep = had.isPresent() && keeps(s.policy(), s.grace(), w, had.get());
      assertThat(p.endpoint()).contains(keep ? had.get().endpoint().get() : w.endpoint());
      assertThat(new TreeSet<>(p.allowedIps())).isEqualTo(w.allowedIps());
      assertThat(p.persistentKeepalive()).isEqualTo(w.persistentKeepalive());
    }
    assertThat(PeerDiff.compute(want, after, Optional.of(DEVICE_KEY), OptionalInt.of(51820), rule)
        .isEmpty()).as("replanning").isTrue();
    if (s.policy() == EndpointPolicy.CONFIGURED) {
      assertThat(plan).isEqualTo(plan(want, before));
    }

    // The incremental diff (the device held the previous mesh, some endpoints roamed since)
    // plans every peer it looks at as the full diff does; the full diff plans more only for peers
    // unchanged in the mesh (their endpoints are decided at the next resync).
    PeerPlan since = PeerDiff.computeSince(want, previous, DeviceIndex.of(before),
        Optional.of(DEVICE_KEY), OptionalInt.of(51820), rule);
    assertThat(plan.add()).containsAll(since.add());
    assertThat(plan.update()).containsAll(since.update());
    assertThat(since.remove()).isEqualTo(plan.remove());
    for (PeerConfig c : plan.update()) {
      if (!since.update().contains(c)) {
        assertThat(want.get(c.publicKey())).isEqualTo(previous.get(c.publicKey()));
      }
    }
    assertThat(since.add()).isEqualTo(plan.add());
  }
}
