/**
 * The narrow seam between clusternet's engine and a WireGuard implementation: {@link
 * io.clusternet.api.backend.WireGuardBackend} and its typed {@link
 * io.clusternet.api.backend.BackendException}.
 */
package io.clusternet.api.backend;
