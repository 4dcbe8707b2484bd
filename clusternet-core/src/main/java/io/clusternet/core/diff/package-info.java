/**
 * The peer-diffing engine: desired peers × the device's observed state → a minimal, sorted,
 * self-explaining {@link io.clusternet.core.diff.PeerPlan}; in full (level-based, for resyncs) or
 * only for what changed since the mesh already applied. Pure: no I/O, no clock.
 */
package io.clusternet.core.diff;
