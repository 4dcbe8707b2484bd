/**
 * clusternet's test kit: helpers for tests that run against the real thing (child JVMs, system
 * commands, prerequisites that skip loudly or, under {@code CLUSTERNET_CI=1}, fail). Host
 * applications may use it in their own tests. Later: fakes for what cannot run on a test machine.
 */
package io.clusternet.testing;
