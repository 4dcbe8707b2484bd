package io.clusternet.core.diff;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.SortedMap;

/**
 * Computes a {@link PeerPlan} as Guava's {@code MapDifference} would: only desired → add, only
 * on the device → remove, differing → update. "Differing" compares configuration only (endpoint,
 * allowed IPs as a set, keepalive), never counters; the one use of a handshake time is the
 * {@link EndpointRule}: under {@link EndpointPolicy#ROAMING} a roamed endpoint of a peer with a
 * recent handshake is not a difference, and an update for another field leaves it out. The
 * methods without a rule use {@link EndpointRule#CONFIGURED}.
 */
public final class PeerDiff {
  private PeerDiff() {}

  /**
   * The plan that turns {@code actual} into {@code desired}.
   *
   * @param privateKey the device's private key to enforce, if any
   * @param listenPort the listen port to enforce, if any
   */
  public static PeerPlan compute(SortedMap<PublicKey, DesiredPeer> desired, DeviceState actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort) {
    return compute(desired, DeviceIndex.of(actual), privateKey, listenPort,
        EndpointRule.CONFIGURED);
  }

  /**
   * The plan that turns {@code actual} into {@code desired}, endpoints decided by {@code
   * endpoints}.
   */
  public static PeerPlan compute(SortedMap<PublicKey, DesiredPeer> desired, DeviceState actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort, EndpointRule endpoints) {
    return compute(desired, DeviceIndex.of(actual), privateKey, listenPort, endpoints);
  }

  /**
   * The plan that turns the indexed device into {@code desired}, without building an index: what
   * a reconciler that keeps its {@link DeviceIndex} up to date pays per change.
   */
  public static PeerPlan compute(SortedMap<PublicKey, DesiredPeer> desired, DeviceIndex actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort) {
    return compute(desired, actual, privateKey, listenPort, EndpointRule.CONFIGURED);
  }

  /**
   * {@link #compute(SortedMap, DeviceIndex, Optional, OptionalInt)} with endpoints decided by
   * {@code endpoints}.
   */
  public static PeerPlan compute(SortedMap<PublicKey, DesiredPeer> desired, DeviceIndex actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort, EndpointRule endpoints) {
    Planner plan = new Planner(actual, privateKey, listenPort, endpoints);
    int matched = 0;
    for (DesiredPeer want : desired.values()) { // sorted by key
      if (plan.want(want)) matched++;
    }
    if (matched < actual.size()) { // in steady state every device peer is wanted: no scan
      List<PublicKey> unwanted = new ArrayList<>();
      for (PublicKey k : actual.keys()) {
        if (!desired.containsKey(k)) unwanted.add(k);
      }
      unwanted.sort(null);
      unwanted.forEach(plan::remove);
    }
    return plan.build();
  }

  /**
   * {@link #computeSince(SortedMap, SortedMap, DeviceIndex, Optional, OptionalInt)} for two
   * meshes: when {@code desired} knows which keys changed since {@code previous} ({@link
   * DesiredMesh#changedSince}, as consecutive meshes of one {@link
   * io.clusternet.core.mesh.MeshState} do), only those keys are looked at, O(changes); otherwise
   * the two maps are walked.
   */
  public static PeerPlan computeSince(DesiredMesh desired, DesiredMesh previous,
      DeviceIndex actual, Optional<PrivateKey> privateKey, OptionalInt listenPort) {
    return computeSince(desired, previous, actual, privateKey, listenPort,
        EndpointRule.CONFIGURED);
  }

  /**
   * {@link #computeSince(DesiredMesh, DesiredMesh, DeviceIndex, Optional, OptionalInt)} with
   * endpoints decided by {@code endpoints}.
   */
  public static PeerPlan computeSince(DesiredMesh desired, DesiredMesh previous,
      DeviceIndex actual, Optional<PrivateKey> privateKey, OptionalInt listenPort,
      EndpointRule endpoints) {
    Optional<Set<PublicKey>> changed = desired.changedSince(previous);
    if (changed.isEmpty()) {
      return computeSince(desired.peers(), previous.peers(), actual, privateKey, listenPort,
          endpoints);
    }
    Planner plan = new Planner(actual, privateKey, listenPort, endpoints);
    for (PublicKey k : changed.get()) { // sorted, like the maps
      DesiredPeer want = desired.peers().get(k);
      if (want != null) {
        plan.want(want);
      } else if (previous.peers().containsKey(k) && actual.peer(k) != null) {
        plan.remove(k);
      }
    }
    return plan.build();
  }

  /**
   * The plan that turns the indexed device into {@code desired}, given that {@code previous} is
   * already true on it (the device has exactly {@code previous}'s peers, configured as it says:
   * what a reconciler's held index is right after it applied {@code previous}). Only entries that
   * differ between the two maps are compared with the device; an entry that is the very same
   * object in both (as {@link io.clusternet.core.mesh.MeshState} keeps unchanged peers) costs one
   * reference comparison. The plan is the one {@link #compute(SortedMap, DeviceIndex, Optional,
   * OptionalInt)} gives under that condition; stray peers outside {@code previous} are left to the
   * next full diff (a resync).
   */
  public static PeerPlan computeSince(SortedMap<PublicKey, DesiredPeer> desired,
      SortedMap<PublicKey, DesiredPeer> previous, DeviceIndex actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort) {
    return computeSince(desired, previous, actual, privateKey, listenPort,
        EndpointRule.CONFIGURED);
  }

  /**
   * {@link #computeSince(SortedMap, SortedMap, DeviceIndex, Optional, OptionalInt)} with
   * endpoints decided by {@code endpoints}. (A roamed endpoint of a peer that did not change in
   * the mesh is not looked at here; the next full diff decides it.)
   */
  public static PeerPlan computeSince(SortedMap<PublicKey, DesiredPeer> desired,
      SortedMap<PublicKey, DesiredPeer> previous, DeviceIndex actual,
      Optional<PrivateKey> privateKey, OptionalInt listenPort, EndpointRule endpoints) {
    Planner plan = new Planner(actual, privateKey, listenPort, endpoints);
    if (desired != previous) {
      Iterator<Map.Entry<PublicKey, DesiredPeer>> wants = desired.entrySet().iterator();
      Iterator<Map.Entry<PublicKey, DesiredPeer>> hads = previous.entrySet().iterator();
      Map.Entry<PublicKey, DesiredPeer> want = wants.hasNext() ? wants.next() : null;
      Map.Entry<PublicKey, DesiredPeer> had = hads.hasNext() ? hads.next() : null;
      while (want != null || had != null) { // both sorted by key: one merge walk
        int c = want == null ? 1 : had == null ? -1
            : want.getKey() == had.getKey() ? 0 : want.getKey().compareTo(had.getKey());
        if (c <= 0) {
          if (c < 0 || want.getValue() != had.getValue()) plan.want(want.getValue());
          want = wants.hasNext() ? wants.next() : null;
          if (c == 0) had = hads.hasNext() ? hads.next() : null;
        } else {
          if (actual.peer(had.getKey()) != null) plan.remove(had.getKey());
          had = hads.hasNext() ? hads.next() : null;
        }
      }
    }
    return plan.build();
  }

  /**
   * One plan being made, the same way for every diff: device settings first, then additions and
   * updates in the order given (key order), then removals, each with its reason.
   */
  private static final class Planner {
    private final DeviceIndex actual;
    private final EndpointRule endpoints;
    private final DeviceConfig.Builder device = DeviceConfig.builder();
    private final List<PeerPlan.Change> reasons = new ArrayList<>();
    private final List<PeerConfig> add = new ArrayList<>();
    private final List<PeerConfig> update = new ArrayList<>();
    private final List<PublicKey> remove = new ArrayList<>();
    private final List<PeerPlan.Change> removeReasons = new ArrayList<>();

    Planner(DeviceIndex actual, Optional<PrivateKey> privateKey, OptionalInt listenPort,
        EndpointRule endpoints) {
      this.actual = actual;
      this.endpoints = java.util.Objects.requireNonNull(endpoints, "endpoints");
      if (privateKey.isPresent() && !privateKey.equals(actual.privateKey())) {
        device.privateKey(privateKey.get());
        reasons.add(new PeerPlan.Change("device", null, null, "private key differs"));
      }
      if (listenPort.isPresent() && listenPort.getAsInt() != actual.listenPort()) {
        device.listenPort(listenPort.getAsInt());
        reasons.add(new PeerPlan.Change("device", null, null,
            "listen port " + actual.listenPort() + " -> " + listenPort.getAsInt()));
      }
    }

    /** Makes the device's entry for {@code want} match it; true if the device has the peer. */
    boolean want(DesiredPeer want) {
      PeerState have = actual.peer(want.publicKey());
      if (have == null) {
        add.add(newPeer(want));
        reasons.add(new PeerPlan.Change("add", want.publicKey(), want.nodeName(), null));
        return false;
      }
      boolean keepRoamed = endpoints.keepsRoamed(want.endpoint(), have);
      String why = difference(want, have, keepRoamed);
      if (why != null) {
        update.add(keepRoamed ? configKeepingEndpoint(want) : config(want));
        if (keepRoamed) why += "; roamed endpoint " + have.endpoint().get() + " kept";
        reasons.add(new PeerPlan.Change("update", want.publicKey(), want.nodeName(), why));
      }
      return true;
    }

    void remove(PublicKey key) {
      remove.add(key);
      removeReasons.add(new PeerPlan.Change("remove", key, null, "no node has this key"));
    }

    PeerPlan build() {
      reasons.addAll(removeReasons);
      return new PeerPlan(device.build(), add, update, remove, reasons);
    }
  }

  /**
   * What differs between the device's peer and the wanted one, or null; with {@code keepRoamed}
   * the endpoint is not compared (the rule keeps the device's roamed one).
   */
  private static String difference(DesiredPeer want, PeerState have, boolean keepRoamed) {
    if (!keepRoamed
        && (have.endpoint().isEmpty() || !have.endpoint().get().equals(want.endpoint()))) {
      return "endpoint " + have.endpoint().map(Object::toString).orElse("(none)") + " -> "
          + want.endpoint();
    }
    if (!want.persistentKeepalive().equals(have.persistentKeepalive())) {
      return "keepalive " + have.persistentKeepalive().getSeconds() + "s -> "
          + want.persistentKeepalive().getSeconds() + "s";
    }
    // Sets of canonical prefixes: same size and every reported one wanted. A device never reports
    // an allowed IP twice (each lives in one node of its trie), so this is set equality without
    // copying into a set.
    if (have.allowedIps().size() != want.allowedIps().size()
        || !want.allowedIps().containsAll(have.allowedIps())) {
      return "allowed IPs " + have.allowedIps() + " -> " + want.allowedIps();
    }
    return null;
  }

  /**
   * A peer the device does not have: only what differs from a new peer's defaults (no keepalive
   * line when it is off, no replace-allowed-IPs, which the kernel ignores for new peers), so a
   * cold start of 10,000 peers sends two lines fewer per peer.
   */
  static PeerConfig newPeer(DesiredPeer want) {
    PeerConfig.Builder b = PeerConfig.builder(want.publicKey())
        .endpoint(want.endpoint())
        .allowedIps(want.allowedIps());
    if (!want.persistentKeepalive().isZero()) b.persistentKeepalive(want.persistentKeepalive());
    return b.build();
  }

  /**
   * The configuration of a desired peer without its endpoint (replacing its allowed IPs): an
   * update that leaves a roamed endpoint the device keeps alone.
   */
  static PeerConfig configKeepingEndpoint(DesiredPeer want) {
    return PeerConfig.builder(want.publicKey())
        .persistentKeepalive(want.persistentKeepalive())
        .replaceAllowedIps(true)
        .allowedIps(want.allowedIps())
        .build();
  }

  /** The full configuration of a desired peer (replacing its allowed IPs). */
  static PeerConfig config(DesiredPeer want) {
    return PeerConfig.builder(want.publicKey())
        .endpoint(want.endpoint())
        .persistentKeepalive(want.persistentKeepalive())
        .replaceAllowedIps(true)
        .allowedIps(want.allowedIps())
        .build();
  }
}
