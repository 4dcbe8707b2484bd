package io.clusternet.core.diff;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.core.mesh.Untrusted;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A minimal change to a device: peers to add, to update and to remove (each sorted by public
 * key), plus device settings to fix, with a reason per change.
 *
 * @param deviceConfig device-level changes (private key, listen port) or an empty config
 * @param add peers to create
 * @param update peers whose configuration differs (sent with replace-allowed-IPs)
 * @param remove peers the device has but should not
 * @param changes one entry per change, rendered by {@link #reasons()} only when asked
 */
public record PeerPlan(DeviceConfig deviceConfig, List<PeerConfig> add, List<PeerConfig> update,
    List<PublicKey> remove, List<Change> changes) {
  public PeerPlan {
    Objects.requireNonNull(deviceConfig, "deviceConfig");
    add = List.copyOf(add);
    update = List.copyOf(update);
    remove = List.copyOf(remove);
    changes = List.copyOf(changes);
  }

  /**
   * Why one change is in the plan. Formatting keys is left to {@link #toString()}, so that
   * planning 10,000 peers does not format 10,000 strings nobody reads.
   *
   * @param what "add", "update", "remove" or "device"
   * @param key the peer concerned, or null for device settings
   * @param node the node it stands for, or null
   * @param detail what differs, or null
   */
  public record Change(String what, PublicKey key, String node, String detail) {
    @Override
    public String toString() {
      return what + (key == null ? "" : " " + key) + (node == null ? "" : " for node "
          + Untrusted.lineSafe(node, Untrusted.MAX_VALUE))
          + (detail == null ? "" : ": " + detail);
    }
  }

  /** One line per change, for logs and status. */
  public List<String> reasons() {
    return changes.stream().map(Change::toString).toList();
  }

  /** Whether the device already matches. */
  public boolean isEmpty() {
    return deviceConfig.isEmpty() && add.isEmpty() && update.isEmpty() && remove.isEmpty();
  }

  /** One request that applies the whole plan (never {@code replacePeers}). */
  public DeviceConfig toDeviceConfig() {
    DeviceConfig.Builder b = DeviceConfig.builder();
    deviceConfig.privateKey().ifPresent(b::privateKey);
    OptionalInt port = deviceConfig.listenPort();
    if (port.isPresent()) b.listenPort(port.getAsInt());
    OptionalInt mark = deviceConfig.firewallMark();
    if (mark.isPresent()) b.firewallMark(mark.getAsInt());
    List<PeerConfig> peers = new ArrayList<>(remove.size() + add.size() + update.size());
    for (PublicKey k : remove) peers.add(PeerConfig.removal(k));
    peers.addAll(update);
    peers.addAll(add);
    return b.peers(peers).build();
  }

  /**
   * The state {@code before} will be in once this plan is applied (traffic counters and
   * handshakes of kept peers carry over; new peers have none). Lets a reconciler skip re-reading
   * a large device after its own write; a periodic re-read still catches drift.
   */
  public io.clusternet.api.wg.DeviceState applyTo(io.clusternet.api.wg.DeviceState before) {
    DeviceIndex index = DeviceIndex.of(before);
    index.apply(this);
    return index.toState();
  }

  /** "2 to add, 1 to update, 0 to remove" and the device changes, if any. */
  public String summary() {
    Optional<String> device = deviceConfig.isEmpty() ? Optional.empty()
        : Optional.of(", device settings to fix");
    return add.size() + " to add, " + update.size() + " to update, " + remove.size()
        + " to remove" + device.orElse("");
  }

  @Override
  public String toString() {
    return "PeerPlan[" + summary() + "]";
  }
}
