package io.clusternet.core.reconcile;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.diff.EndpointRule;
import io.clusternet.core.diff.PeerDiff;
import io.clusternet.core.diff.PeerPlan;
import io.clusternet.core.mesh.DesiredMesh;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Level-based reconciliation: every run takes the current desired mesh (the supplier decides how
 * it is computed; {@code ClusterNet} keeps a {@link io.clusternet.core.mesh.MeshState} up to date
 * with each node change), compares it with the device, and applies the {@link PeerDiff} plan, if
 * it is not empty. Signals that arrive while
 * a run is pending coalesce into that run. A failed run is retried with exponential backoff; a
 * periodic resync reads the device again and removes stray peers. Nothing runs before {@code
 * ready} says the node source has synced, so a partial view never removes peers. Writes are
 * counted ({@link #writes()}), so tests can prove that a heartbeat causes none.
 *
 * <p>Reading a device of 10,000 peers costs tens of milliseconds, so a run triggered by a node
 * change diffs against the state the previous run left (the device as read, with that run's own
 * plan applied), and only the peers that changed since the mesh it applied ({@link
 * PeerDiff#computeSince}); every resync, every retry after a failure and the first run read the
 * device and diff everything.
 *
 * <p>Endpoints follow an {@link EndpointPolicy}: each run passes the policy, its grace and the
 * injected clock's {@code now} into the diff (under {@link EndpointPolicy#ROAMING} a roamed
 * endpoint with a recent handshake is kept). Between resyncs the handshake times are those of the
 * last device read, at most one resync period old.
 */
public final class Reconciler implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  private final String device;
  private final WireGuardBackend backend;
  private final DesiredSource desired;
  private final Supplier<Boolean> ready;
  private final Optional<PrivateKey> privateKey;
  private final OptionalInt listenPort;
  private final ScheduledExecutorService executor;
  private final Duration resyncPeriod;
  private final io.clusternet.core.backoff.Backoff backoff;
  private final EndpointPolicy endpointPolicy;
  private final Duration roamingGrace;
  private final Clock clock;

  private final AtomicBoolean pending = new AtomicBoolean();
  private final java.util.concurrent.locks.ReentrantLock runLock =
      new java.util.concurrent.locks.ReentrantLock();
  private final AtomicBoolean readDevice = new AtomicBoolean(true);
  private final AtomicLong deviceReads = new AtomicLong();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong writes = new AtomicLong();
  private final AtomicLong failures = new AtomicLong();
  private final AtomicReference<Optional<Throwable>> lastFailure =
      new AtomicReference<>(Optional.empty());
  private final AtomicReference<Optional<PeerPlan>> lastPlan =
      new AtomicReference<>(Optional.empty());
  private io.clusternet.core.diff.DeviceIndex held; // the device as the last run left it; run thread only
  private volatile DesiredMesh lastApplied; // the mesh the last successful run made true
  private volatile ScheduledFuture<?> resync;
  private volatile ScheduledFuture<?> retry;
  private volatile RunObserver observer = (nanos, failed, wrote) -> { };

  /** Told about every run (after sync), for metrics. */
  @FunctionalInterface
  public interface RunObserver {
    /**
     * Called on the run's thread at its end; must return quickly and not throw.
     *
     * @param nanos how long the run took
     * @param failed whether it failed (counted in {@link #failures()})
     * @param wrote whether it wrote to the device (counted in {@link #writes()})
     */
    void ran(long nanos, boolean failed, boolean wrote);
  }

  /** Where each run's desired mesh comes from. */
  @FunctionalInterface
  public interface DesiredSource {
    /**
     * @param resync true on the runs that re-read the device (the periodic resync, the first run,
     *     every retry): the source should then recompute the mesh from its source of truth with
     *     no shortcut (see {@link io.clusternet.core.mesh.MeshFollower})
     */
    DesiredMesh desired(boolean resync);

    /** A source whose mesh does not depend on the flag. */
    static DesiredSource of(Supplier<DesiredMesh> supplier) {
      return resync -> supplier.get();
    }
  }

  /**
   * A reconciler that always writes configured endpoints ({@link EndpointPolicy#CONFIGURED}).
   *
   * @param executor runs reconciliations; a single thread is enough, and more never run two at
   *     once
   */
  public Reconciler(String device, WireGuardBackend backend, DesiredSource desired,
      Supplier<Boolean> ready, Optional<PrivateKey> privateKey, OptionalInt listenPort,
      ScheduledExecutorService executor, Duration resyncPeriod, Duration minBackoff,
      Duration maxBackoff) {
    this(device, backend, desired, ready, privateKey, listenPort, executor, resyncPeriod,
        minBackoff, maxBackoff, EndpointPolicy.CONFIGURED, EndpointPolicy.DEFAULT_GRACE,
        Clock.systemUTC());
  }

  /**
   * @param executor runs reconciliations; a single thread is enough, and more never run two at
   *     once
   * @param endpointPolicy which endpoint a peer on the device keeps
   * @param roamingGrace how recent a handshake keeps a roamed endpoint (positive)
   * @param clock the wall clock handshake times are measured against
   * @throws IllegalArgumentException if {@code roamingGrace} is not positive
   */
  public Reconciler(String device, WireGuardBackend backend, DesiredSource desired,
      Supplier<Boolean> ready, Optional<PrivateKey> privateKey, OptionalInt listenPort,
      ScheduledExecutorService executor, Duration resyncPeriod, Duration minBackoff,
      Duration maxBackoff, EndpointPolicy endpointPolicy, Duration roamingGrace, Clock clock) {
    this.endpointPolicy = Objects.requireNonNull(endpointPolicy, "endpointPolicy");
    this.roamingGrace = Objects.requireNonNull(roamingGrace, "roamingGrace");
    this.clock = Objects.requireNonNull(clock, "clock");
    new EndpointRule(endpointPolicy, roamingGrace, clock.instant()); // checks the grace
    this.device = Objects.requireNonNull(device, "device");
    this.backend = Objects.requireNonNull(backend, "backend");
    this.desired = Objects.requireNonNull(desired, "desired");
    this.ready = Objects.requireNonNull(ready, "ready");
    this.privateKey = Objects.requireNonNull(privateKey, "privateKey");
    this.listenPort = Objects.requireNonNull(listenPort, "listenPort");
    this.executor = Objects.requireNonNull(executor, "executor");
    this.resyncPeriod = Objects.requireNonNull(resyncPeriod, "resyncPeriod");
    this.backoff = io.clusternet.core.backoff.Backoff.of(minBackoff, maxBackoff, 0.2);
  }

  /** Starts the periodic resync. */
  public void start() {
    long period = resyncPeriod.toNanos();
    resync = executor.scheduleWithFixedDelay(this::resyncNow, period, period, TimeUnit.NANOSECONDS);
    signal();
  }

  /** Re-reads the device at the next run (and runs soon), removing stray peers. */
  public void resyncNow() {
    readDevice.set(true);
    signal();
  }

  /** Re-reads the device (and verifies the desired mesh) after {@code delay}. */
  public void resyncAfter(Duration delay) {
    if (closed.get()) return;
    try {
      executor.schedule(this::resyncNow, delay.toNanos(), TimeUnit.NANOSECONDS);
    } catch (java.util.concurrent.RejectedExecutionException ignored) {
      // shutting down
    }
  }

  /** Something may have changed: reconcile soon. Bursts coalesce into one run. */
  public void signal() {
    if (closed.get()) return;
    if (pending.compareAndSet(false, true)) {
      try {
        executor.execute(this::run);
      } catch (java.util.concurrent.RejectedExecutionException e) {
        pending.set(false); // shutting down
      }
    }
  }

  private void run() {
    pending.set(false);
    // Runs never overlap, even on a multi-threaded executor: a signal during a run queues the
    // next run, which waits here for this one (the held state and the supplier's are not shared).
    runLock.lock();
    try {
      runExclusively();
    } finally {
      runLock.unlock();
    }
  }

  private void runExclusively() {
    if (closed.get()) return;
    if (!ready.get()) return; // a later signal (sync, resync) brings us back
    runs.incrementAndGet();
    long start = System.nanoTime();
    long writesBefore = writes.get();
    long failuresBefore = failures.get();
    try {
      attempt();
    } finally {
      observer.ran(System.nanoTime() - start, failures.get() != failuresBefore,
          writes.get() != writesBefore);
    }
  }

  private void attempt() {
    try {
      boolean read = readDevice.getAndSet(false) || held == null;
      DesiredMesh mesh = desired.desired(read);
      if (!read && mesh == lastApplied) {
        return; // the same desired mesh, already applied, and no re-read asked for: nothing to do
      }
      if (read) {
        deviceReads.incrementAndGet();
        held = null;
        held = io.clusternet.core.diff.DeviceIndex.of(backend.device(device).orElseThrow(
            () -> new BackendException(BackendException.Reason.NOT_FOUND, "reconciling " + device,
                "reconciling " + device + ": the device is gone")));
      }
      // After a read, the full level-based diff (it finds stray peers); otherwise only what
      // changed since the mesh the held state already reflects.
      DesiredMesh base = read ? null : lastApplied;
      EndpointRule endpoints = endpointPolicy == EndpointPolicy.CONFIGURED
          ? EndpointRule.CONFIGURED
          : new EndpointRule(endpointPolicy, roamingGrace, clock.instant());
      PeerPlan plan = base == null
          ? PeerDiff.compute(mesh.peers(), held, privateKey, listenPort, endpoints)
          : PeerDiff.computeSince(mesh, base, held, privateKey, listenPort, endpoints);
      lastPlan.set(Optional.of(plan));
      if (!plan.isEmpty()) {
        log.info("{}: applying {}", device, plan.summary());
        logReasons(plan.reasons());
        io.clusternet.core.diff.DeviceIndex before = held;
        held = null; // unknown until the write is done
        writes.incrementAndGet(); // counted before it reaches the device, so never seen late
        backend.configure(device, plan.toDeviceConfig());
        before.apply(plan);
        held = before;
      }
      lastApplied = mesh;
      lastFailure.set(Optional.empty());
      backoff.reset();
    } catch (BackendException | RuntimeException e) {
      readDevice.set(true); // after a failure, trust nothing cached
      held = null;
      lastApplied = null;
      failures.incrementAndGet();
      lastFailure.set(Optional.of(e));
      Duration wait = backoff.next();
      if (backoff.worthLogging()) {
        log.warn("{}: reconciliation failed ({} in a row), retrying in {} ms: {}", device,
            backoff.attempts(), wait.toMillis(), e.getMessage());
      } else {
        log.debug("{}: reconciliation failed, retrying in {} ms: {}", device, wait.toMillis(),
            e.getMessage());
      }
      if (!closed.get()) {
        try {
          retry = executor.schedule(this::signal, wait.toNanos(), TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException ignored) {
          // shutting down
        }
      }
    }
  }

  /** Sets the observer told about every run from now on (replacing the previous one). */
  public void observeRuns(RunObserver observer) {
    this.observer = Objects.requireNonNull(observer, "observer");
  }

  /** The most reasons logged at INFO per plan; the rest go to DEBUG (a cold start has many). */
  static final int INFO_REASONS = 20;

  private void logReasons(List<String> reasons) {
    for (int i = 0; i < reasons.size(); i++) {
      if (i < INFO_REASONS) {
        log.info("{}: {}", device, reasons.get(i));
      } else {
        if (i == INFO_REASONS) {
          log.info("{}: ... and {} more (at DEBUG)", device, reasons.size() - INFO_REASONS);
        }
        log.debug("{}: {}", device, reasons.get(i));
      }
    }
  }

  /** Backend writes attempted so far (one per non-empty plan), counted as each one is sent. */
  public long writes() {
    return writes.get();
  }

  /** Device reads so far (resyncs, retries, the first run). */
  public long deviceReads() {
    return deviceReads.get();
  }

  /** Reconciliations run so far (after sync). */
  public long runs() {
    return runs.get();
  }

  /** Failed runs so far. */
  public long failures() {
    return failures.get();
  }

  /** Why the last run failed, if it did. */
  public Optional<Throwable> lastFailure() {
    return lastFailure.get();
  }

  /** The last plan computed. */
  public Optional<PeerPlan> lastPlan() {
    return lastPlan.get();
  }

  /** Whether a run is queued. */
  public boolean isPending() {
    return pending.get();
  }

  @Override
  public void close() {
    closed.set(true);
    if (resync != null) resync.cancel(false);
    if (retry != null) retry.cancel(false);
  }
}
