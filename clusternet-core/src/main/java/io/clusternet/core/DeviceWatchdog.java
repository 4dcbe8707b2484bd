package io.clusternet.core;

import io.clusternet.api.backend.BackendException;
import io.clusternet.core.backoff.Backoff;
import io.clusternet.core.reconcile.Reconciler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every device check period: finds what is missing ({@link DeviceSetup#problems()}: daemon,
 * link, addresses, routes; or the reconciler finding the device gone), restores it with the
 * shared {@link Backoff}, asks the reconciler to re-read the device (every peer comes back), and
 * gives up after the restore timeout by calling {@code fail} (the service then fails, and a
 * DaemonSet restarts the agent). Runs on the service's scheduler thread.
 */
final class DeviceWatchdog implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DeviceWatchdog.class);

  private final ClusterNetConfig config;
  private final DeviceSetup device;
  private final Reconciler reconciler;
  private final BooleanSupplier running;
  private final Consumer<Throwable> fail;
  private final Backoff backoff = Backoff.standard();
  private volatile List<String> problems = List.of();
  private Instant troubleSince; // scheduler thread only
  private Instant nextRestore = Instant.MIN; // scheduler thread only
  private ScheduledFuture<?> task;

  DeviceWatchdog(ClusterNetConfig config, DeviceSetup device, Reconciler reconciler,
      BooleanSupplier running, Consumer<Throwable> fail) {
    this.config = config;
    this.device = device;
    this.reconciler = reconciler;
    this.running = running;
    this.fail = fail;
  }

  void start(ScheduledExecutorService scheduler) {
    long period = config.deviceCheckPeriod().toNanos();
    task = scheduler.scheduleWithFixedDelay(this::check, period, period, TimeUnit.NANOSECONDS);
  }

  /** What was wrong at the last check (empty when the device is whole). */
  List<String> problems() {
    return problems;
  }

  void check() {
    if (!running.getAsBoolean()) return;
    List<String> found = device.problems();
    Optional<Throwable> failure = reconciler.lastFailure();
    if (found.isEmpty() && failure.isPresent() && failure.get() instanceof BackendException b
        && b.reason() == BackendException.Reason.NOT_FOUND) {
      found = List.of(String.valueOf(b.getMessage()));
    }
    problems = List.copyOf(found);
    Instant now = Instant.now();
    if (found.isEmpty()) {
      if (troubleSince != null) {
        log.info("{}: the device is whole again", config.nodeName());
        whole();
      }
      return;
    }
    if (troubleSince == null) {
      troubleSince = now;
      log.warn("{}: the device needs restoring: {}", config.nodeName(), found);
    }
    if (Duration.between(troubleSince, now).compareTo(config.deviceRestoreTimeout()) > 0) {
      IllegalStateException e = new IllegalStateException("the WireGuard device could not be "
          + "restored within " + config.deviceRestoreTimeout().toSeconds() + " s: " + found);
      log.error("{}: {}", config.nodeName(), e.getMessage());
      close();
      fail.accept(e);
      return;
    }
    if (now.isBefore(nextRestore)) return;
    try {
      device.restore();
      reconciler.resyncNow(); // re-read the device, add every peer back
      List<String> left = device.problems();
      problems = List.copyOf(left);
      if (left.isEmpty()) {
        log.info("{}: restored the device ({})", config.nodeName(), found);
        whole();
      } else {
        nextRestore = now.plus(backoff.next());
      }
    } catch (Exception e) {
      Duration wait = backoff.next();
      nextRestore = now.plus(wait);
      if (backoff.worthLogging()) {
        log.warn("{}: restoring the device failed ({} in a row), next try in {} ms: {}",
            config.nodeName(), backoff.attempts(), wait.toMillis(), e.getMessage());
      }
    }
  }

  private void whole() {
    troubleSince = null;
    backoff.reset();
    nextRestore = Instant.MIN;
  }

  @Override
  public void close() {
    if (task != null) task.cancel(false);
  }
}
