package io.clusternet.core;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.Route;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.core.backend.WireGuardBackends;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The WireGuard device and what surrounds it: brings it up (or adopts a wireguard-go daemon that
 * outlived a previous run), checks it cheaply ({@link #problems()}: daemon alive and answering,
 * link present and up, our addresses and routes in place), restores it ({@link #restore()}: the
 * same idempotent steps as bring-up, starting a new daemon if ours died or stopped answering),
 * and tears down what it created. Peers
 * are not its business: after a restore the reconciler re-reads the device and adds them.
 * Not thread-safe: the service calls it from its scheduler thread (and at start and stop).
 */
final class DeviceSetup {
  private static final Logger log = LoggerFactory.getLogger(DeviceSetup.class);

  private final ClusterNetConfig config;
  private final PrivateKey key;
  private WireGuardBackends.Selection backends;
  private WireGuardBackend wg;
  private Optional<LinkBackend> links = Optional.empty();
  private WireGuardGoProcess daemon;
  private boolean daemonSilent; // our daemon is alive but did not answer the last ping
  private Path adoptedSocket;
  private boolean createdLink;
  private final Set<Route> routes = new LinkedHashSet<>();
  private final Set<InterfaceAddress> addresses = new LinkedHashSet<>();

  private final Optional<Path> daemonLogDirectory;

  /**
   * @param daemonLogDirectory where wireguard-go's output goes when the host's daemon builder
   *     sets no log file (the storage root's {@code ephemeral/clusternet}); empty: a temporary
   *     file, deleted when the daemon stops
   */
  DeviceSetup(ClusterNetConfig config, PrivateKey key, Optional<Path> daemonLogDirectory) {
    this.config = config;
    this.key = key;
    this.daemonLogDirectory = daemonLogDirectory;
  }

  private WireGuardGoProcess startDaemon() throws IOException, InterruptedException {
    WireGuardGoProcess.Builder builder = config.daemon();
    if (builder.logFile().isEmpty() && daemonLogDirectory.isPresent()) {
      builder.logFile(daemonLogDirectory.get()
          .resolve("wireguard-go-" + builder.interfaceName() + ".log"));
    }
    return builder.start();
  }

  /** Brings the device up (start). */
  void bringUp() throws Exception {
    Path socketDirectory = socketDirectory();
    if (config.daemon() != null) {
      UapiWireGuardBackend probe = uapi(socketDirectory);
      if (probe.device(config.interfaceName()).isPresent()) {
        // A daemon outlived our previous run (a crash or SIGKILL): adopt it, tunnels intact.
        adoptedSocket = probe.socketPath(config.interfaceName());
        log.info("{}: adopting the running wireguard-go at {}", config.nodeName(), adoptedSocket);
      } else {
        daemon = startDaemon();
      }
    }
    if (config.wireGuard() != null) {
      wg = config.wireGuard();
      links = Optional.ofNullable(config.links());
    } else {
      backends = config.daemon() != null
          ? WireGuardBackends.userspace(config.namespace(), uapi(socketDirectory))
          : WireGuardBackends.auto(config.namespace(), socketDirectory);
      wg = backends.wireGuard();
      links = config.links() != null ? Optional.of(config.links()) : backends.links();
      log.info("{}: {}", config.nodeName(), backends.reason());
    }
    configure();
  }

  private UapiWireGuardBackend uapi(Path socketDirectory) {
    return UapiWireGuardBackend.create(socketDirectory)
        .withTimeout(config.daemon().uapiTimeout());
  }

  private Path socketDirectory() {
    return config.daemon() != null ? config.daemon().effectiveSocketDirectory()
        : UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY;
  }

  /** The idempotent part of bring-up: link, key and port, addresses, up, routes. */
  private void configure() throws BackendException {
    String iface = config.interfaceName();
    if (wg.device(iface).isEmpty()) {
      if (config.daemon() != null) {
        // Userspace: only wireguard-go makes the device (a restore starts a new one).
        throw new BackendException(BackendException.Reason.NOT_FOUND, "bringing up " + iface,
            "bringing up " + iface + ": wireguard-go does not serve the device");
      }
      LinkBackend l = links.orElseThrow(() -> new BackendException(
          BackendException.Reason.NOT_FOUND, "bringing up " + iface, "bringing up " + iface
              + ": no WireGuard device and no link backend to create one (start wireguard-go "
              + "with .userspace(...) or add clusternet-netlink-jna)"));
      boolean absent = l.link(iface).isEmpty();
      l.ensureLink(iface, "wireguard", OptionalInt.of(config.mtu()), OptionalInt.empty(),
          LinkBackend.ExistingLink.ADOPT);
      if (absent) createdLink = true; // only once it exists: never delete a link we did not make
    } else if (links.isPresent() && links.get().link(iface).isPresent()) {
      links.get().setMtu(iface, config.mtu());
    }
    wg.configure(iface, DeviceConfig.builder().privateKey(key)
        .listenPort(config.listenPort()).build());
    if (links.isPresent()) {
      LinkBackend l = links.get();
      List<InterfaceAddress> present = l.addresses(iface);
      for (InterfaceAddress a : config.interfaceAddresses()) {
        if (!present.contains(a)) {
          l.addAddress(iface, a);
          addresses.add(a);
        }
      }
      l.setUp(iface, true);
      for (IpPrefix cidr : config.clusterCidrs()) {
        Route r = Route.onLink(cidr, iface, ClusterNet.ROUTE_PROTOCOL);
        l.replaceRoute(r);
        routes.add(r);
      }
    }
  }

  /**
   * What is wrong with the device now, cheaply (no peer dump): empty when all is well. Each
   * entry is one short phrase.
   */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    String iface = config.interfaceName();
    if (daemon != null && !daemon.isAlive()) {
      problems.add("wireguard-go (pid " + daemon.pid() + ") exited");
    }
    if (config.daemon() != null && daemon == null && adoptedSocket == null) {
      problems.add("wireguard-go is not running");
    }
    if (adoptedSocket != null && daemon == null && !Files.exists(adoptedSocket)) {
      problems.add("the adopted wireguard-go's socket " + adoptedSocket + " is gone");
    }
    daemonSilent = false;
    if (problems.isEmpty() && config.daemon() != null && wg instanceof UapiWireGuardBackend u) {
      // Alive is not enough: a stopped or hung daemon passes every other check. The ping is one
      // round trip without a peer dump, bounded by the UAPI deadline.
      try {
        u.ping(iface);
      } catch (BackendException e) {
        if (e.reason() == BackendException.Reason.TIMEOUT) {
          daemonSilent = daemon != null;
          Duration t = u.timeout();
          problems.add("wireguard-go does not answer on " + u.socketPath(iface) + " within "
              + (t.toMillis() % 1000 == 0 ? t.toSeconds() + " s" : t.toMillis() + " ms")
              + (daemon != null ? " (pid " + daemon.pid() + ")" : " (adopted)")
              + ": stopped or hung");
        } else {
          problems.add("checking wireguard-go: " + e.getMessage());
        }
      }
    }
    try {
      if (links.isPresent()) {
        LinkBackend l = links.get();
        Optional<LinkInfo> link = l.link(iface);
        if (link.isEmpty()) {
          problems.add("interface " + iface + " is missing");
          return problems;
        }
        if (!link.get().up()) problems.add("interface " + iface + " is down");
        List<InterfaceAddress> present = l.addresses(iface);
        for (InterfaceAddress a : config.interfaceAddresses()) {
          if (!present.contains(a)) problems.add("address " + a + " is missing");
        }
        List<Route> owned = l.routes(ClusterNet.ROUTE_PROTOCOL);
        for (IpPrefix cidr : config.clusterCidrs()) {
          boolean found = false;
          for (Route r : owned) found |= r.destination().equals(cidr);
          if (!found) problems.add("route to " + cidr + " is missing");
        }
      } else if (problems.isEmpty() && wg.device(iface).isEmpty()) {
        problems.add("device " + iface + " is missing");
      }
    } catch (BackendException e) {
      problems.add("checking " + iface + ": " + e.getMessage());
    }
    return problems;
  }

  /**
   * Brings back whatever is missing: a new daemon if ours died or did not answer the last check
   * (stopped by its PID, SIGKILL if SIGTERM does not end it within a second), then the idempotent
   * steps.
   */
  void restore() throws Exception {
    if (config.daemon() != null) {
      if (daemonSilent && daemon != null && daemon.isAlive()) {
        log.warn("{}: wireguard-go (pid {}) does not answer; stopping it and starting a new one",
            config.nodeName(), daemon.pid());
        int code = daemon.stop(Duration.ofSeconds(1));
        log.info("{}: the silent wireguard-go (pid {}) ended with {}", config.nodeName(),
            daemon.pid(), code);
        daemon = null;
        daemonSilent = false;
      }
      boolean ours = daemon != null && daemon.isAlive();
      boolean adopted = daemon == null && adoptedSocket != null && Files.exists(adoptedSocket);
      if (!ours && !adopted) {
        if (daemon != null) {
          log.warn("{}: wireguard-go (pid {}) exited with {}; starting a new one",
              config.nodeName(), daemon.pid(), daemon.exitCode().map(String::valueOf)
                  .orElse("?"));
          daemon.close();
          daemon = null;
        }
        adoptedSocket = null;
        daemon = startDaemon();
      }
    }
    configure();
  }

  WireGuardBackend wireGuard() {
    return wg;
  }

  Optional<LinkBackend> links() {
    return links;
  }

  String mode() {
    return backends != null ? backends.mode().name().toLowerCase(Locale.ROOT)
        : (config.daemon() != null ? "userspace" : "host-provided");
  }

  /** Removes what bring-up created (unless {@code keep}), and closes the backends. */
  void tearDown(boolean keep) {
    if (!keep) {
      links.ifPresent(l -> {
        for (Route r : routes) {
          try {
            l.deleteRoute(r);
          } catch (BackendException e) {
            log.warn("{}: removing route {}: {}", config.nodeName(), r.destination(),
                e.getMessage());
          }
        }
        for (InterfaceAddress a : addresses) {
          try {
            l.removeAddress(config.interfaceName(), a);
          } catch (BackendException e) {
            log.debug("{}: removing address {}: {}", config.nodeName(), a, e.getMessage());
          }
        }
        if (createdLink) {
          try {
            l.deleteLink(config.interfaceName());
          } catch (BackendException e) {
            log.warn("{}: deleting {}: {}", config.nodeName(), config.interfaceName(),
                e.getMessage());
          }
        }
      });
      if (daemon != null) {
        try {
          daemon.stop(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      if (adoptedSocket != null) {
        // Not our child, so no PID: wireguard-go exits when its socket file is removed.
        try {
          Files.deleteIfExists(adoptedSocket);
        } catch (IOException e) {
          log.warn("{}: stopping the adopted wireguard-go: {}", config.nodeName(), e.getMessage());
        }
      }
    }
    if (backends != null) backends.close();
  }
}
