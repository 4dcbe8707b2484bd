package io.clusternet.core.metrics;

import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;

/**
 * The service's meters, as the service sees them: it reports each reconciliation and closes them
 * at stop; everything else is read from {@link MetricsSnapshot}s it supplies. {@link #NONE} does
 * nothing and is what a service without a registry uses, so no Micrometer class is loaded.
 */
public interface ServiceMetrics extends AutoCloseable {
  /** Does nothing. */
  ServiceMetrics NONE = new ServiceMetrics() {
    @Override
    public void reconciled(long nanos, boolean failed, boolean wrote) {}

    @Override
    public void close() {}
  };

  /**
   * One reconciliation ran (on the reconciler's thread; must return quickly).
   *
   * @param nanos how long it took
   * @param failed whether it failed (it is then retried with backoff)
   * @param wrote whether it wrote to the device (the peers may have changed)
   */
  void reconciled(long nanos, boolean failed, boolean wrote);

  /** Removes the meters from the registry (at stop). */
  @Override
  void close();

  /** Makes the meters of one service when it starts. */
  @FunctionalInterface
  interface Binder {
    /** Binds nothing: {@link ServiceMetrics#NONE}. */
    Binder NONE = (source, scheduler, refresh) -> ServiceMetrics.NONE;

    /**
     * @param source the values, read afresh (it may do device I/O: called at most about once a
     *     second, and on {@code scheduler}'s thread or a scraping thread)
     * @param scheduler the service's scheduler, for refreshing the per-peer meters
     * @param refresh how often the per-peer meters are refreshed even if nothing changes
     */
    ServiceMetrics bind(Supplier<MetricsSnapshot> source, ScheduledExecutorService scheduler,
        Duration refresh);
  }
}
