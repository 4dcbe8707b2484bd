package io.clusternet.core.metrics;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service's meters in a Micrometer {@link MeterRegistry}. Names follow Prometheus
 * conventions once rendered ({@code clusternet.peers} becomes {@code clusternet_peers}, counters
 * gain {@code _total}, a base unit its suffix); the README's metrics table lists them.
 *
 * <p>Every value but the reconciliation timer is read from a {@link MetricsSnapshot}, the same
 * values the status shows. A snapshot is taken at most once per {@link #MAX_AGE} (a scrape reads
 * one snapshot for all its meters, and one device read), after each reconciliation that wrote to
 * the device, and every refresh period. Each refresh also adds the meters of peers that appeared
 * and removes those of peers that left, so a churning cluster does not leak meters. Per-peer
 * meters are tagged with the node's name, never its key.
 */
public final class MicrometerMetrics implements ServiceMetrics {
  private static final Logger log = LoggerFactory.getLogger(MicrometerMetrics.class);

  /** How old a snapshot may be when a meter is read. */
  static final Duration MAX_AGE = Duration.ofSeconds(1);

  private static final MetricsSnapshot EMPTY = new MetricsSnapshot(0, Map.of(), false, false,
      false, false, 0, 0, 0, 0, List.of());

  private final MeterRegistry registry;
  private final Supplier<MetricsSnapshot> source;
  private final ScheduledExecutorService scheduler;
  private final Timer succeeded;
  private final Timer failed;
  private final List<Meter> fixed = new ArrayList<>(); // guarded by this
  private final Map<String, Meter> reasons = new HashMap<>(); // guarded by this
  private final Map<String, List<Meter>> peers = new HashMap<>(); // guarded by this
  private final AtomicBoolean refreshQueued = new AtomicBoolean();
  private MetricsSnapshot latest; // guarded by this; null until the first snapshot
  private Map<String, MetricsSnapshot.PeerSample> latestPeers = Map.of(); // guarded by this
  private long takenAt; // guarded by this; System.nanoTime()
  private volatile boolean closed;
  private final ScheduledFuture<?> task;

  private MicrometerMetrics(MeterRegistry registry, Supplier<MetricsSnapshot> source,
      ScheduledExecutorService scheduler, Duration refresh) {
    this.registry = registry;
    this.source = Objects.requireNonNull(source, "source");
    this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
    this.succeeded = timer("success");
    this.failed = timer("failure");
    synchronized (this) {
      fixed.add(succeeded);
      fixed.add(failed);
      gauge("clusternet.peers", "peers on the WireGuard device", s -> s.peers());
      gauge("clusternet.healthy", "1 when running, synced, the device up and the key published",
          s -> flag(s.healthy()));
      gauge("clusternet.device.up", "1 when the WireGuard device exists and answers",
          s -> flag(s.deviceUp()));
      gauge("clusternet.key.published", "1 while our public key is confirmed on our Node",
          s -> flag(s.keyPublished()));
      gauge("clusternet.informer.synced", "1 once the node informer has its first full listing",
          s -> flag(s.informerSynced()));
      counter("clusternet.device.writes", "writes to the WireGuard device (one per non-empty plan)",
          s -> s.deviceWrites());
      counter("clusternet.device.reads", "full reads of the WireGuard device by the reconciler",
          s -> s.deviceReads());
      counter("clusternet.repairs", "divergences found and repaired at resyncs (0 when correct)",
          s -> s.repairs());
      counter("clusternet.informer.relists", "node listings after the first one",
          s -> s.relists());
      refresh();
    }
    long period = refresh.toNanos();
    this.task = scheduler.scheduleWithFixedDelay(this::refresh, period, period,
        TimeUnit.NANOSECONDS);
  }

  /**
   * Binds the meters of one service to {@code registry} when the service starts, and removes
   * them when it stops.
   *
   * @throws NullPointerException if {@code registry} is null
   */
  public static Binder binder(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    return (source, scheduler, refresh) -> new MicrometerMetrics(registry, source, scheduler,
        refresh);
  }

  private static double flag(boolean b) {
    return b ? 1 : 0;
  }

  private Timer timer(String result) {
    return Timer.builder("clusternet.reconcile")
        .description("reconciliations of the device with the desired mesh (result: success, "
            + "failure)")
        .tag("result", result)
        .register(registry);
  }

  private void gauge(String name, String description, ToDoubleFunction<MetricsSnapshot> value) {
    fixed.add(Gauge.builder(name, this, m -> value.applyAsDouble(m.current()))
        .description(description).strongReference(true).register(registry));
  }

  private void counter(String name, String description, ToDoubleFunction<MetricsSnapshot> value) {
    fixed.add(FunctionCounter.builder(name, this, m -> value.applyAsDouble(m.current()))
        .description(description).register(registry));
  }

  @Override
  public void reconciled(long nanos, boolean failure, boolean wrote) {
    (failure ? failed : succeeded).record(nanos, TimeUnit.NANOSECONDS);
    if (wrote && !closed && refreshQueued.compareAndSet(false, true)) {
      try {
        scheduler.execute(() -> {
          refreshQueued.set(false);
          refresh();
        });
      } catch (RejectedExecutionException shuttingDown) {
        refreshQueued.set(false);
      }
    }
  }

  /** The snapshot, taken afresh if it is older than {@link #MAX_AGE}. */
  synchronized MetricsSnapshot current() {
    if (latest == null || System.nanoTime() - takenAt > MAX_AGE.toNanos()) refresh();
    return latest == null ? EMPTY : latest;
  }

  /** Takes a snapshot and brings the per-reason and per-peer meters in line with it. */
  synchronized void refresh() {
    if (closed) return;
    MetricsSnapshot s;
    try {
      s = source.get();
    } catch (RuntimeException e) {
      // The status never fails in practice; the meters keep their last values if it does.
      log.debug("metrics: no snapshot: {}", e.toString());
      if (latest == null) latest = EMPTY;
      takenAt = System.nanoTime(); // not again for every meter of this scrape
      return;
    }
    latest = s;
    takenAt = System.nanoTime();
    for (String reason : s.excludedByReason().keySet()) {
      reasons.computeIfAbsent(reason, r -> Gauge.builder("clusternet.excluded.nodes", this,
              m -> m.current().excludedByReason().getOrDefault(r, 0))
          .description("nodes excluded from the mesh, by reason")
          .tag("reason", r).strongReference(true).register(registry));
    }
    Map<String, MetricsSnapshot.PeerSample> now = new HashMap<>();
    for (MetricsSnapshot.PeerSample p : s.peerSamples()) now.put(p.node(), p);
    latestPeers = now;
    for (Iterator<Map.Entry<String, List<Meter>>> it = peers.entrySet().iterator();
        it.hasNext(); ) {
      Map.Entry<String, List<Meter>> e = it.next();
      if (!now.containsKey(e.getKey())) {
        e.getValue().forEach(registry::remove);
        it.remove();
      }
    }
    for (String node : now.keySet()) peers.computeIfAbsent(node, this::peerMeters);
  }

  private List<Meter> peerMeters(String node) {
    return List.of(
        Gauge.builder("clusternet.peer.handshake.age", this,
                m -> m.peer(node).flatMap(p -> p.handshakeAgeSeconds().isPresent()
                    ? Optional.of(p.handshakeAgeSeconds().getAsDouble()) : Optional.empty())
                    .orElse(Double.NaN))
            .description("seconds since the latest handshake with the peer (NaN before the "
                + "first)")
            .baseUnit("seconds").tag("node", node).strongReference(true).register(registry),
        FunctionCounter.builder("clusternet.peer.receive", this,
                m -> m.peer(node).map(p -> (double) p.receiveBytes()).orElse(Double.NaN))
            .description("bytes received from the peer").baseUnit("bytes").tag("node", node)
            .register(registry),
        FunctionCounter.builder("clusternet.peer.transmit", this,
                m -> m.peer(node).map(p -> (double) p.transmitBytes()).orElse(Double.NaN))
            .description("bytes sent to the peer").baseUnit("bytes").tag("node", node)
            .register(registry));
  }

  private synchronized Optional<MetricsSnapshot.PeerSample> peer(String node) {
    current();
    return Optional.ofNullable(latestPeers.get(node));
  }

  /** The nodes that have per-peer meters now (for tests). */
  synchronized java.util.Set<String> meteredPeers() {
    return java.util.Set.copyOf(peers.keySet());
  }

  @Override
  public void close() {
    closed = true;
    task.cancel(false);
    synchronized (this) {
      fixed.forEach(registry::remove);
      reasons.values().forEach(registry::remove);
      peers.values().forEach(l -> l.forEach(registry::remove));
      fixed.clear();
      reasons.clear();
      peers.clear();
    }
  }
}
