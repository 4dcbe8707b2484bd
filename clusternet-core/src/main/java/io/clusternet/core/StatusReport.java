package io.clusternet.core;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.diff.EndpointRule;
import io.clusternet.core.k8s.KeyPublisher;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.MeshFollower;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.reconcile.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Assembles {@link ClusterNet#health()} and {@link ClusterNet#status()} from the service's parts
 * (each may be {@code null} before start or after a failed one). {@code health()} never reads the
 * device: it reports the device watchdog's last check (at most one device check period old), so
 * a stopped or hung wireguard-go cannot block it (the agent's /readyz calls it). {@code status()}
 * reads the device once, bounded by the backend's deadline, and says why a read failed.
 */
final class StatusReport {
  private static final Logger log = LoggerFactory.getLogger(StatusReport.class);

  private StatusReport() {}

  /** The health flags, without touching the device (the watchdog's last check says). */
  static ClusterNetStatus.Health health(ClusterNetConfig config, boolean running,
      DeviceSetup device, DeviceWatchdog watchdog, Reconciler reconciler, NodeSource nodes,
      KeyPublisher publisher) {
    return health(running, device != null && device.wireGuard() != null && watchdog != null,
        List.of(), watchdog, reconciler, nodes, publisher);
  }

  /** One device read: its state (empty if absent or not set up), or why it failed. */
  private record Read(Optional<DeviceState> state, Optional<String> failure) {}

  private static Read read(ClusterNetConfig config, DeviceSetup device) {
    if (device == null || device.wireGuard() == null) {
      return new Read(Optional.empty(), Optional.empty());
    }
    try {
      return new Read(device.wireGuard().device(config.interfaceName()), Optional.empty());
    } catch (BackendException e) {
      log.debug("{}: status: {}", config.nodeName(), e.getMessage());
      return new Read(Optional.empty(), Optional.of(String.valueOf(e.getMessage())));
    }
  }

  private static ClusterNetStatus.Health health(boolean running, boolean devicePresent,
      List<String> readProblems, DeviceWatchdog watchdog, Reconciler reconciler,
      NodeSource nodes, KeyPublisher publisher) {
    List<String> problems = new ArrayList<>(readProblems);
    if (watchdog != null) {
      for (String p : watchdog.problems()) {
        if (!problems.contains(p)) problems.add(p);
      }
    }
    boolean deviceUp = devicePresent && problems.isEmpty();
    Optional<String> error = problems.isEmpty() ? Optional.empty()
        : Optional.of("device: " + String.join("; ", problems));
    if (error.isEmpty() && reconciler != null) {
      error = reconciler.lastFailure().map(Throwable::getMessage);
    }
    Optional<String> sourceProblem = nodes == null ? Optional.empty() : nodes.problem();
    if (error.isEmpty()) error = sourceProblem;
    if (error.isEmpty() && publisher != null) error = publisher.problem();
    if (error.isEmpty() && publisher != null) error = publisher.notice();
    return new ClusterNetStatus.Health(running,
        nodes != null && nodes.hasSynced() && sourceProblem.isEmpty(), deviceUp,
        publisher != null && publisher.published(), error);
  }

  /** A snapshot with health, from one device read. */
  static ClusterNetStatus status(ClusterNetConfig config, boolean running, NodeKey key,
      DeviceSetup device, DeviceWatchdog watchdog, Reconciler reconciler, NodeSource nodes,
      KeyPublisher publisher, MeshFollower follower, long writes, long repairs) {
    DesiredMesh mesh = follower == null
        ? new DesiredMesh(new TreeMap<>(), List.of()) : follower.current();
    List<ClusterNetStatus.Peer> peers = new ArrayList<>();
    Instant now = config.clock().instant();
    Read read = read(config, device);
    Optional<DeviceState> state = read.state();
    for (PeerState p : state.map(DeviceState::peers).orElse(List.of())) {
      DesiredPeer d = mesh.peers().get(p.publicKey());
      peers.add(new ClusterNetStatus.Peer(Optional.ofNullable(d).map(DesiredPeer::nodeName),
          p.publicKey(), p.endpoint(), p.allowedIps(),
          p.lastHandshake().map(h -> Duration.between(h, now).isNegative() ? Duration.ZERO
              : Duration.between(h, now)), p.receiveBytes(), p.transmitBytes(),
          note(config, d, p, now)));
    }
    peers.sort(Comparator.comparing((ClusterNetStatus.Peer p) -> p.nodeName().orElse("~"))
        .thenComparing(ClusterNetStatus.Peer::publicKey));
    String mode = device == null ? "host-provided" : device.mode();
    return new ClusterNetStatus(config.nodeName(), config.interfaceName(), mode,
        key == null ? null : key.publicKey(), config.listenPort(),
        health(running, state.isPresent(), read.failure().map(List::of).orElse(List.of()),
            watchdog, reconciler, nodes, publisher), peers,
        mesh.excluded(), writes, repairs);
  }

  /**
   * The mapping's note for a peer, and whether the device's endpoint is a roamed one (another
   * than its node's configured endpoint) with what the policy does about it.
   */
  private static Optional<String> note(ClusterNetConfig config, DesiredPeer d, PeerState p,
      Instant now) {
    if (d == null) return Optional.empty();
    Optional<String> roamed = Optional.empty();
    if (p.endpoint().isPresent() && !p.endpoint().get().equals(d.endpoint())) {
      boolean kept = new EndpointRule(config.endpointPolicy(), config.roamingGrace(), now)
          .keepsRoamed(d.endpoint(), p);
      roamed = Optional.of("endpoint roamed from the configured " + d.endpoint() + (kept
          ? ", kept while the latest handshake is at most "
              + config.roamingGrace().toSeconds() + " s old (endpoint policy ROAMING)"
          : ", the configured one is written back at the next resync (endpoint policy "
              + config.endpointPolicy() + (config.endpointPolicy() == EndpointPolicy.ROAMING
                  ? ", the handshake is stale or missing)" : ")")));
    }
    if (d.note().isPresent() && roamed.isPresent()) {
      return Optional.of(d.note().get() + "; " + roamed.get());
    }
    return d.note().isPresent() ? d.note() : roamed;
  }
}
