/**
 * Internal, not API. The service's meters: {@link io.clusternet.core.metrics.ServiceMetrics} is
 * the small seam the service talks to (with a no-op implementation, used when the host passes
 * no registry), {@link io.clusternet.core.metrics.MetricsSnapshot} the values, taken from the same
 * source as the status, and {@code MicrometerMetrics} the Micrometer binding: the only class of
 * clusternet-core that uses Micrometer (an optional dependency, so a host without it never
 * loads one of its classes; ArchUnit keeps it that way).
 */
package io.clusternet.core.metrics;
