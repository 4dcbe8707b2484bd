package io.clusternet.core.diff;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A device's state indexed by peer key, for diffing. Building the index of 10,000 peers costs
 * about half of a diff, so a reconciler keeps one and updates it in place with its own plans
 * ({@link #apply}) instead of rebuilding it for every change. Not thread-safe.
 */
public final class DeviceIndex {
  private final String name;
  private Optional<PrivateKey> privateKey;
  private Optional<PublicKey> publicKey;
  private int listenPort;
  private final int firewallMark;
  private final Map<PublicKey, PeerState> peers;

  private DeviceIndex(DeviceState s) {
    this.name = s.name();
    this.privateKey = s.privateKey();
    this.publicKey = s.publicKey();
    this.listenPort = s.listenPort();
    this.firewallMark = s.firewallMark();
    this.peers = new HashMap<>(Math.max(16, s.peers().size() * 2));
    for (PeerState p : s.peers()) peers.put(p.publicKey(), p);
  }

  public static DeviceIndex of(DeviceState state) {
    return new DeviceIndex(state);
  }

  public Optional<PrivateKey> privateKey() {
    return privateKey;
  }

  public int listenPort() {
    return listenPort;
  }

  public int size() {
    return peers.size();
  }

  PeerState peer(PublicKey key) {
    return peers.get(key);
  }

  Collection<PublicKey> keys() {
    return peers.keySet();
  }

  /**
   * Applies a plan in place: the state the device is in once the plan is applied (counters and
   * handshakes of kept peers carry over; new peers have none). O(size of the plan).
   */
  public void apply(PeerPlan plan) {
    for (PublicKey k : plan.remove()) peers.remove(k);
    for (List<PeerConfig> list : List.of(plan.update(), plan.add())) {
      for (PeerConfig c : list) {
        PeerState old = peers.get(c.publicKey());
        peers.put(c.publicKey(), new PeerState(c.publicKey(),
            old == null ? Optional.empty() : old.presharedKey(),
            c.endpoint().isPresent() ? c.endpoint()
                : old == null ? Optional.empty() : old.endpoint(),
            c.replaceAllowedIps() || old == null ? c.allowedIps() : merge(old, c),
            c.persistentKeepalive().orElse(old == null ? Duration.ZERO
                : old.persistentKeepalive()),
            old == null ? Optional.empty() : old.lastHandshake(),
            old == null ? 0 : old.receiveBytes(), old == null ? 0 : old.transmitBytes(), 1));
      }
    }
    if (plan.deviceConfig().privateKey().isPresent()) {
      privateKey = plan.deviceConfig().privateKey();
      publicKey = Optional.empty(); // derived by the device; unknown here
    }
    plan.deviceConfig().listenPort().ifPresent(p -> listenPort = p);
  }

  private static List<io.clusternet.api.net.IpPrefix> merge(PeerState old, PeerConfig c) {
    List<io.clusternet.api.net.IpPrefix> out = new ArrayList<>(old.allowedIps());
    for (io.clusternet.api.net.IpPrefix ip : c.allowedIps()) {
      if (!out.contains(ip)) out.add(ip);
    }
    return out;
  }

  /** The indexed state as a {@link DeviceState} (a copy). */
  public DeviceState toState() {
    return new DeviceState(name, privateKey, publicKey, listenPort, firewallMark,
        new ArrayList<>(peers.values()));
  }
}
