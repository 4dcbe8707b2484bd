package io.clusternet.api.backend;

/**
 * Service-provider interface for the kernel backend, found with {@link java.util.ServiceLoader}
 * so the engine needs no compile-time dependency on it ({@code clusternet-netlink-jna} provides
 * one). Both methods fail with {@link BackendException.Reason#NOT_SUPPORTED} where the kernel has
 * no WireGuard.
 */
public interface KernelBackendProvider {
  /** The kernel's WireGuard devices, in this process's network namespace. */
  WireGuardBackend openWireGuard() throws BackendException;

  /** Links, addresses and routes, in this process's network namespace. */
  LinkBackend openLinks() throws BackendException;

  /** The kernel's WireGuard devices in the network namespace at {@code namespace}. */
  WireGuardBackend openWireGuardIn(java.nio.file.Path namespace) throws BackendException;

  /** Links, addresses and routes in the network namespace at {@code namespace}. */
  LinkBackend openLinksIn(java.nio.file.Path namespace) throws BackendException;
}
