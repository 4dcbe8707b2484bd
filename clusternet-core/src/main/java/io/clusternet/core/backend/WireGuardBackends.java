package io.clusternet.core.backend;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.KernelBackendProvider;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Objects;
import java.util.Optional;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks a WireGuard implementation. {@link #auto} uses the kernel when a {@link
 * KernelBackendProvider} is on the class path (add {@code clusternet-netlink-jna}) and the kernel
 * has the WireGuard family, and userspace (wireguard-go over UAPI) otherwise, saying why.
 */
public final class WireGuardBackends {
  private static final Logger log = LoggerFactory.getLogger(WireGuardBackends.class);

  private WireGuardBackends() {}

  /** Which implementation was chosen. */
  public enum Mode { KERNEL, USERSPACE }

  /**
   * The chosen backends: WireGuard configuration, and links, addresses and routes when a link
   * backend is available (always with clusternet-netlink-jna on the class path).
   */
  public record Selection(Mode mode, WireGuardBackend wireGuard, Optional<LinkBackend> links,
      String reason) implements AutoCloseable {
    public Selection {
      Objects.requireNonNull(mode, "mode");
      Objects.requireNonNull(wireGuard, "wireGuard");
      Objects.requireNonNull(links, "links");
      Objects.requireNonNull(reason, "reason");
    }

    @Override
    public void close() {
      wireGuard.close();
      links.ifPresent(LinkBackend::close);
    }
  }

  /** Kernel if available, else userspace with sockets in {@code /var/run/wireguard}. */
  public static Selection auto() {
    return auto(UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY);
  }

  /** Kernel if available, else userspace with sockets in {@code socketDirectory}. */
  public static Selection auto(Path socketDirectory) {
    return auto(Optional.empty(), socketDirectory);
  }

  /**
   * Kernel if available in the network namespace at {@code namespace} (this process's own if
   * empty), else userspace with sockets in {@code socketDirectory}.
   */
  public static Selection auto(Optional<Path> namespace, Path socketDirectory) {
    try {
      return kernel(namespace);
    } catch (BackendException e) {
      Selection s = new Selection(Mode.USERSPACE, UapiWireGuardBackend.create(socketDirectory),
          linksIfAvailable(namespace), "userspace: " + e.getMessage());
      log.info("WireGuard backend: {}", s.reason());
      return s;
    }
  }

  /**
   * The kernel backend.
   *
   * @throws BackendException {@code NOT_SUPPORTED} if no provider is on the class path or the
   *     kernel has no WireGuard
   */
  public static Selection kernel() throws BackendException {
    return kernel(Optional.empty());
  }

  /** The kernel backend in the network namespace at {@code namespace} (empty: our own). */
  public static Selection kernel(Optional<Path> namespace) throws BackendException {
    Iterator<KernelBackendProvider> it = ServiceLoader.load(KernelBackendProvider.class,
        WireGuardBackends.class.getClassLoader()).iterator();
    if (!it.hasNext()) {
      throw new BackendException(BackendException.Reason.NOT_SUPPORTED, "choosing a backend",
          "choosing a backend: no kernel backend on the class path (add clusternet-netlink-jna)");
    }
    KernelBackendProvider provider = it.next();
    WireGuardBackend wg = namespace.isPresent() ? provider.openWireGuardIn(namespace.get())
        : provider.openWireGuard();
    try {
      LinkBackend links = namespace.isPresent() ? provider.openLinksIn(namespace.get())
          : provider.openLinks();
      Selection s = new Selection(Mode.KERNEL, wg, Optional.of(links),
          "kernel: the wireguard generic netlink family is present");
      log.info("WireGuard backend: {}", s.reason());
      return s;
    } catch (BackendException | RuntimeException e) {
      wg.close();
      throw e;
    }
  }

  /**
   * The userspace backend with sockets in {@code socketDirectory}, and rtnetlink for the TUN
   * device's addresses and routes if a provider is on the class path.
   */
  public static Selection userspace(Path socketDirectory) {
    return userspace(Optional.empty(), socketDirectory);
  }

  /** The userspace backend, with links in the network namespace at {@code namespace}. */
  public static Selection userspace(Optional<Path> namespace, Path socketDirectory) {
    return userspace(namespace, UapiWireGuardBackend.create(socketDirectory));
  }

  /** The given userspace backend (its socket directory and deadline), with links as above. */
  public static Selection userspace(Optional<Path> namespace, UapiWireGuardBackend uapi) {
    return new Selection(Mode.USERSPACE, uapi, linksIfAvailable(namespace),
        "userspace: chosen by the host");
  }

  /** rtnetlink works on every Linux kernel, with or without WireGuard. */
  private static Optional<LinkBackend> linksIfAvailable(Optional<Path> namespace) {
    for (KernelBackendProvider p : ServiceLoader.load(KernelBackendProvider.class,
        WireGuardBackends.class.getClassLoader())) {
      try {
        return Optional.of(namespace.isPresent() ? p.openLinksIn(namespace.get()) : p.openLinks());
      } catch (BackendException | RuntimeException | LinkageError e) {
        log.info("no link backend: {}", e.getMessage());
      }
    }
    return Optional.empty();
  }
}
