package io.clusternet.core;

import com.google.common.util.concurrent.AbstractIdleService;
import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.Route;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.backend.WireGuardBackends;
import io.clusternet.core.k8s.InformerNodeSource;
import io.clusternet.core.k8s.NodeAnnotator;
import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.MeshState;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.reconcile.Reconciler;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clusternet service for one node: loads (or generates) the node's key, brings up the
 * WireGuard device, publishes the public key on its own Node, watches all Nodes, and keeps the
 * device's peers equal to the other nodes. A Guava {@link com.google.common.util.concurrent.Service}:
 * {@code startAsync().awaitRunning()}, {@code stopAsync().awaitTerminated()}, {@code
 * failureCause()}.
 *
 * <pre>{@code
 * ClusterNet net = ClusterNet.builder()
 *     .nodeName("node-1")                              // required
 *     .kubernetes(apiClient)                           // required
 *     .storageRoot(Path.of("/var/lib/clusternet"))     // required
 *     .listenPort(51820)
 *     .build();
 * net.startAsync().awaitRunning();
 * System.out.println(net.status().format());
 * }</pre>
 *
 * <p>A start that fails (corrupt key file, no device, …) leaves nothing half-configured behind:
 * what it created is removed again, and the failure is {@link #failureCause()}.
 */
public final class ClusterNet extends AbstractIdleService {
  private static final Logger log = LoggerFactory.getLogger(ClusterNet.class);

  /** Where a node's public key is published by default. */
  public static final String DEFAULT_ANNOTATION = "clusternet.io/wireguard-public-key";
  /** The default interface name. */
  public static final String DEFAULT_INTERFACE = "clusternet";
  /** The default WireGuard port. */
  public static final int DEFAULT_PORT = 51820;
  /** The rtm_protocol that marks routes clusternet owns. */
  public static final int ROUTE_PROTOCOL = 129;

  private final Builder config;
  private final AtomicReference<DesiredMesh> lastDesired =
      new AtomicReference<>(new DesiredMesh(new java.util.TreeMap<>(), List.of()));
  private final AtomicBoolean keyPublished = new AtomicBoolean();
  private final AtomicBoolean recheckPending = new AtomicBoolean();
  private final AtomicReference<Optional<String>> publishError =
      new AtomicReference<>(Optional.empty());

  private NodeKey key;
  private ScheduledExecutorService scheduler;
  private boolean ownScheduler;
  private ExecutorService informerExecutor;
  private WireGuardBackends.Selection backends;
  private WireGuardBackend wg;
  private Optional<LinkBackend> links = Optional.empty();
  private WireGuardGoProcess daemon;
  private Path adoptedSocket;
  private boolean createdLink;
  private final List<Route> routes = new ArrayList<>();
  private final List<InterfaceAddress> addresses = new ArrayList<>();
  private NodeSource nodes;
  private InformerNodeSource informer;
  private Reconciler reconciler;
  private ScheduledFuture<?> publisher;

  private ClusterNet(Builder config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected String serviceName() {
    return "ClusterNet[" + config.nodeName + "]";
  }

  @Override
  protected void startUp() throws Exception {
    try {
      doStartUp();
    } catch (Exception | Error e) {
      log.error("{}: start failed, removing what was set up: {}", config.nodeName, e.getMessage());
      tearDown(false);
      throw e;
    }
  }

  private void doStartUp() throws Exception {
    // 1. The key first: nothing touches the network before it is safely on disk.
    ClusternetRoot root = config.storage != null ? config.storage
        : ClusternetRoot.at(config.storageRoot);
    root.create();
    key = KeyManager.of(root.privateKeyFile()).withLoosePermissions(config.loosePermissions)
        .loadOrGenerate();
    log.info("{}: WireGuard public key {}", config.nodeName, key.publicKey());

    scheduler = config.scheduler;
    if (scheduler == null) {
      ownScheduler = true;
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clusternet-" + config.nodeName);
        t.setDaemon(true);
        return t;
      });
    }

    // 2. The device.
    Path socketDirectory = config.daemon != null ? config.daemon.effectiveSocketDirectory()
        : io.clusternet.core.userspace.UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY;
    if (config.daemon != null) {
      io.clusternet.core.userspace.UapiWireGuardBackend probe =
          io.clusternet.core.userspace.UapiWireGuardBackend.create(socketDirectory);
      if (probe.device(config.interfaceName).isPresent()) {
        // A daemon outlived our previous run (a crash or SIGKILL): adopt it, tunnels intact.
        adoptedSocket = probe.socketPath(config.interfaceName);
        log.info("{}: adopting the running wireguard-go at {}", config.nodeName, adoptedSocket);
      } else {
        daemon = config.daemon.start();
      }
    }
    if (config.wireGuard != null) {
      wg = config.wireGuard;
      links = Optional.ofNullable(config.links);
    } else {
      backends = config.daemon != null
          ? WireGuardBackends.userspace(config.namespace, socketDirectory)
          : WireGuardBackends.auto(config.namespace, socketDirectory);
      wg = backends.wireGuard();
      links = config.links != null ? Optional.of(config.links) : backends.links();
      log.info("{}: {}", config.nodeName, backends.reason());
    }
    String iface = config.interfaceName;
    if (wg.device(iface).isEmpty()) {
      LinkBackend l = links.orElseThrow(() -> new BackendException(
          BackendException.Reason.NOT_FOUND, "bringing up " + iface, "bringing up " + iface
              + ": no WireGuard device and no link backend to create one (start wireguard-go "
              + "with .userspace(...) or add clusternet-netlink-jna)"));
      createdLink = l.link(iface).isEmpty();
      l.ensureLink(iface, "wireguard", OptionalInt.of(config.mtu), OptionalInt.empty(),
          LinkBackend.ExistingLink.ADOPT);
    } else if (links.isPresent() && links.get().link(iface).isPresent()) {
      links.get().setMtu(iface, config.mtu);
    }
    wg.configure(iface, DeviceConfig.builder().privateKey(key.privateKey())
        .listenPort(config.listenPort).build());
    if (links.isPresent()) {
      LinkBackend l = links.get();
      for (InterfaceAddress a : config.interfaceAddresses) {
        if (!l.addresses(iface).contains(a)) {
          l.addAddress(iface, a);
          addresses.add(a);
        }
      }
      l.setUp(iface, true);
      for (IpPrefix cidr : config.clusterCidrs) {
        Route r = Route.onLink(cidr, iface, ROUTE_PROTOCOL);
        l.replaceRoute(r);
        routes.add(r);
      }
    }

    // 3. Kubernetes: publish our key (retried in the background), watch all nodes.
    publisher = scheduler.schedule(() -> publishKey(false), 0, TimeUnit.MILLISECONDS);
    if (config.nodeSource != null) {
      nodes = config.nodeSource;
    } else {
      informerExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clusternet-informer-" + config.nodeName);
        t.setDaemon(true);
        return t;
      });
      informer = new InformerNodeSource(config.apiClient, informerExecutor);
      nodes = informer;
    }
    reconciler = new Reconciler(iface, wg, this::desired, nodes::hasSynced,
        Optional.of(key.privateKey()), OptionalInt.of(config.listenPort), scheduler,
        config.resyncPeriod, Duration.ofMillis(200), Duration.ofSeconds(30));
    nodes.onChange(reconciler::signal);
    reconciler.start();
    if (informer != null) informer.start();
    waitForSyncThenSignal();
  }

  private void waitForSyncThenSignal() {
    scheduler.schedule(() -> {
      if (!isRunningOrStarting()) return;
      if (nodes.hasSynced()) {
        reconciler.signal();
      } else {
        waitForSyncThenSignal();
      }
    }, 50, TimeUnit.MILLISECONDS);
  }

  private boolean isRunningOrStarting() {
    State s = state();
    return s == State.RUNNING || s == State.STARTING;
  }

  private Duration publishBackoff = Duration.ofMillis(200);

  private void publishKey(boolean recheck) {
    if (!isRunningOrStarting()) return;
    try {
      NodeAnnotator annotator = new NodeAnnotator(config.apiClient);
      NodeAnnotator.Result r = annotator.publishOnce(config.nodeName, config.annotationKey,
          key.publicKey());
      r.replacedValue().ifPresent(v -> publishError.set(Optional.of(
          "replaced a different key on the node: " + v)));
      if (recheck && r.patched() && r.replacedValue().isEmpty()) {
        publishError.set(Optional.of("our key had been removed from our Node; published it again"));
      }
      keyPublished.set(true);
      publishBackoff = Duration.ofMillis(200);
    } catch (Exception e) {
      publishError.set(Optional.of("publishing the key: " + e.getMessage()));
      Duration wait = publishBackoff;
      publishBackoff = publishBackoff.multipliedBy(2).compareTo(Duration.ofSeconds(30)) > 0
          ? Duration.ofSeconds(30) : publishBackoff.multipliedBy(2);
      log.warn("{}: publishing the key failed, retrying in {} ms: {}", config.nodeName,
          wait.toMillis(), e.getMessage());
      try {
        publisher = scheduler.schedule(() -> publishKey(recheck), wait.toMillis(),
            TimeUnit.MILLISECONDS);
      } catch (java.util.concurrent.RejectedExecutionException ignored) {
        // stopping
      }
    }
  }

  private MeshState meshState; // scheduler thread only
  private long mappedVersion = Long.MIN_VALUE;

  private long lastFullMapping; // System.nanoTime() of the last full snapshot

  private DesiredMesh desired() {
    long version = nodes.version();
    if (version >= 0 && version == mappedVersion) {
      return lastDesired.get(); // nothing clusternet reads has changed (a heartbeat, say)
    }
    // Between full snapshots (at least one per resync period), apply just the changed nodes,
    // unless our own node is among them (its key and pod CIDRs are checked on the full path).
    if (meshState != null && System.nanoTime() - lastFullMapping < config.resyncPeriod.toNanos()) {
      Optional<NodeSource.Changes> changes = nodes.changesSince(mappedVersion);
      if (changes.isPresent() && !touchesSelf(changes.get())) {
        DesiredMesh mesh;
        try {
          mesh = meshState.update(changes.get().upserts(), changes.get().removals());
        } catch (RuntimeException e) {
          meshState = null; // possibly half-updated: the next run rebuilds it from a snapshot
          throw e;
        }
        lastDesired.set(mesh);
        mappedVersion = changes.get().version();
        return mesh;
      }
    }
    lastFullMapping = System.nanoTime();
    List<NodeInfo> all = nodes.snapshot();
    List<IpPrefix> own = new ArrayList<>();
    List<String> ownIps = List.of();
    for (NodeInfo n : all) {
      if (!n.name().equals(config.nodeName)) continue;
      ownIps = n.internalIps();
      String published = n.annotations().get(config.annotationKey);
      if (keyPublished.get() && !key.publicKey().toBase64().equals(published)
          && recheckPending.compareAndSet(false, true)) {
        // Our Node does not show our key (someone changed it, or the cache lags our own patch):
        // re-check against the API server, which patches only if it is really wrong.
        scheduler.schedule(() -> {
          recheckPending.set(false);
          publishKey(true);
        }, 0, TimeUnit.MILLISECONDS);
      }
      for (String c : n.podCidrs()) {
        try {
          own.add(IpPrefix.parse(c.strip()));
        } catch (AddressFormatException e) {
          log.warn("{}: our own pod CIDR {} does not parse", config.nodeName,
              io.clusternet.core.mesh.Untrusted.quote(c));
        }
      }
    }
    MeshMapper.Config mapping = new MeshMapper.Config(config.nodeName,
        key.publicKey(), own, config.annotationKey, config.listenPort, config.family,
        config.includeNodeAddress, config.persistentKeepalive, config.clusterCidrs,
        config.minIpv4PodCidrLength, config.minIpv6PodCidrLength, ownIps);
    if (meshState == null || !meshState.config().equals(mapping)) {
      meshState = new MeshState(mapping); // first run, or our own pod CIDRs or IPs changed
    }
    DesiredMesh mesh;
    try {
      mesh = meshState.sync(all);
    } catch (RuntimeException e) {
      meshState = null;
      throw e;
    }
    lastDesired.set(mesh);
    mappedVersion = version;
    return mesh;
  }

  private boolean touchesSelf(NodeSource.Changes changes) {
    if (changes.removals().contains(config.nodeName)) return true;
    for (NodeInfo n : changes.upserts()) {
      if (n.name().equals(config.nodeName)) return true;
    }
    return false;
  }

  @Override
  protected void shutDown() {
    tearDown(config.keepOnStop);
  }

  private void tearDown(boolean keep) {
    if (reconciler != null) reconciler.close();
    if (publisher != null) publisher.cancel(false);
    if (informer != null) informer.close();
    if (informerExecutor != null) informerExecutor.shutdownNow();
    if (!keep) {
      links.ifPresent(l -> {
        for (Route r : routes) {
          try {
            l.deleteRoute(r);
          } catch (BackendException e) {
            log.warn("{}: removing route {}: {}", config.nodeName, r.destination(), e.getMessage());
          }
        }
        for (InterfaceAddress a : addresses) {
          try {
            l.removeAddress(config.interfaceName, a);
          } catch (BackendException e) {
            log.debug("{}: removing address {}: {}", config.nodeName, a, e.getMessage());
          }
        }
        if (createdLink) {
          try {
            l.deleteLink(config.interfaceName);
          } catch (BackendException e) {
            log.warn("{}: deleting {}: {}", config.nodeName, config.interfaceName, e.getMessage());
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
          java.nio.file.Files.deleteIfExists(adoptedSocket);
        } catch (java.io.IOException e) {
          log.warn("{}: stopping the adopted wireguard-go: {}", config.nodeName, e.getMessage());
        }
      }
    }
    if (backends != null) backends.close();
    if (ownScheduler && scheduler != null) scheduler.shutdownNow();
  }

  /** This node's public key (after start). */
  public PublicKey publicKey() {
    return Objects.requireNonNull(key, "not started").publicKey();
  }

  /** Backend writes since start: a Node heartbeat causes none. */
  public long backendWrites() {
    return reconciler == null ? 0 : reconciler.writes();
  }

  /**
   * Asks for a reconciliation now that re-reads the device (normally not needed: node changes
   * and the periodic resync do it).
   */
  public void reconcileNow() {
    if (reconciler != null) reconciler.resyncNow();
  }

  /** The health flags. */
  public ClusterNetStatus.Health health() {
    boolean deviceUp;
    try {
      deviceUp = wg != null && wg.device(config.interfaceName).isPresent();
    } catch (BackendException e) {
      deviceUp = false;
    }
    Optional<String> error = reconciler == null ? Optional.empty()
        : reconciler.lastFailure().map(Throwable::getMessage);
    if (error.isEmpty()) error = publishError.get();
    return new ClusterNetStatus.Health(state() == State.RUNNING,
        nodes != null && nodes.hasSynced(), deviceUp, keyPublished.get(), error);
  }

  /** A snapshot: peers with handshake age and transfer, excluded nodes with reasons. */
  public ClusterNetStatus status() {
    DesiredMesh mesh = lastDesired.get();
    List<ClusterNetStatus.Peer> peers = new ArrayList<>();
    Instant now = config.clock.instant();
    try {
      Optional<DeviceState> state = wg == null ? Optional.empty()
          : wg.device(config.interfaceName);
      if (state.isPresent()) {
        for (PeerState p : state.get().peers()) {
          DesiredPeer d = mesh.peers().get(p.publicKey());
          Instant t = now;
          peers.add(new ClusterNetStatus.Peer(Optional.ofNullable(d).map(DesiredPeer::nodeName),
              p.publicKey(), p.endpoint(), p.allowedIps(),
              p.lastHandshake().map(h -> Duration.between(h, t).isNegative() ? Duration.ZERO
                  : Duration.between(h, t)), p.receiveBytes(), p.transmitBytes(),
              Optional.ofNullable(d).flatMap(DesiredPeer::note)));
        }
      }
    } catch (BackendException e) {
      log.debug("{}: status: {}", config.nodeName, e.getMessage());
    }
    peers.sort(Comparator.comparing((ClusterNetStatus.Peer p) -> p.nodeName().orElse("~"))
        .thenComparing(ClusterNetStatus.Peer::publicKey));
    String mode = backends != null ? backends.mode().name().toLowerCase(java.util.Locale.ROOT)
        : (daemon != null ? "userspace" : "host-provided");
    return new ClusterNetStatus(config.nodeName, config.interfaceName, mode,
        key == null ? null : key.publicKey(), config.listenPort, health(), peers,
        mesh.excluded(), backendWrites());
  }

  /**
   * Builds a {@link ClusterNet}. Required: {@link #nodeName}, {@link #kubernetes}, and {@link
   * #storageRoot} or {@link #storage}. Everything else has a documented default.
   */
  public static final class Builder {
    private String nodeName;
    private ApiClient apiClient;
    private Path storageRoot;
    private ClusternetRoot storage;
    private WireGuardBackend wireGuard;
    private LinkBackend links;
    private WireGuardGoProcess.Builder daemon;
    private NodeSource nodeSource;
    private Optional<Path> namespace = Optional.empty();
    private String interfaceName = DEFAULT_INTERFACE;
    private int listenPort = DEFAULT_PORT;
    private final List<IpPrefix> clusterCidrs = new ArrayList<>();
    private final List<InterfaceAddress> interfaceAddresses = new ArrayList<>();
    private int mtu = 1420;
    private Duration persistentKeepalive = Duration.ZERO;
    private Duration resyncPeriod = Duration.ofSeconds(30);
    private String annotationKey = DEFAULT_ANNOTATION;
    private MeshMapper.AddressFamily family = MeshMapper.AddressFamily.PREFER_IPV4;
    private boolean includeNodeAddress;
    private int minIpv4PodCidrLength = MeshMapper.DEFAULT_MIN_IPV4_POD_CIDR_LENGTH;
    private int minIpv6PodCidrLength = MeshMapper.DEFAULT_MIN_IPV6_POD_CIDR_LENGTH;
    private ScheduledExecutorService scheduler;
    private java.time.Clock clock = java.time.Clock.systemUTC();
    private boolean keepOnStop;
    private KeyManager.LoosePermissions loosePermissions = KeyManager.LoosePermissions.REPAIR;

    private Builder() {}

    /** Required: this node's name, as on its Node object. */
    public Builder nodeName(String nodeName) {
      this.nodeName = Objects.requireNonNull(nodeName, "nodeName");
      return this;
    }

    /** Required: the host's Kubernetes client (read timeout 0, as ClientBuilder makes it). */
    public Builder kubernetes(ApiClient client) {
      this.apiClient = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Required (or {@link #storage}): the directory holding clusternet's storage tree. */
    public Builder storageRoot(Path root) {
      this.storageRoot = Objects.requireNonNull(root, "root");
      return this;
    }

    /** Required (or {@link #storageRoot}): a storage tree on any {@code Storage}. */
    public Builder storage(ClusternetRoot root) {
      this.storage = Objects.requireNonNull(root, "root");
      return this;
    }

    /**
     * Optional: the WireGuard backend to use (and, for creating the link, addresses and routes,
     * a link backend). Default: {@link WireGuardBackends#auto()}, the kernel if it has WireGuard,
     * else userspace.
     */
    public Builder backends(WireGuardBackend wireGuard, Optional<LinkBackend> links) {
      this.wireGuard = Objects.requireNonNull(wireGuard, "wireGuard");
      this.links = links.orElse(null);
      return this;
    }

    /**
     * Optional: run in userspace mode, starting this wireguard-go daemon at start and stopping it
     * at stop. Its interface name must equal {@link #interfaceName}.
     */
    public Builder userspace(WireGuardGoProcess.Builder daemon) {
      this.daemon = Objects.requireNonNull(daemon, "daemon");
      return this;
    }

    /** Optional: a link backend for addresses and routes (default: from the backend choice). */
    public Builder linkBackend(LinkBackend links) {
      this.links = Objects.requireNonNull(links, "links");
      return this;
    }

    /**
     * Optional: manage a node in another network namespace (such as {@code /var/run/netns/x}):
     * the kernel device and rtnetlink are opened there. Default: this process's namespace.
     */
    public Builder networkNamespace(Path namespace) {
      this.namespace = Optional.of(namespace);
      return this;
    }

    /** Optional, for tests and hosts with their own node view: replaces the informer. */
    public Builder nodeSource(NodeSource source) {
      this.nodeSource = Objects.requireNonNull(source, "source");
      return this;
    }

    /** Optional: the WireGuard interface name. Default {@code clusternet}. */
    public Builder interfaceName(String name) {
      this.interfaceName = Objects.requireNonNull(name, "name");
      return this;
    }

    /** Optional: the UDP port, the same on every node. Default 51820. */
    public Builder listenPort(int port) {
      this.listenPort = port;
      return this;
    }

    /**
     * Optional: a cluster CIDR routed into the interface (needs a link backend). Every node's pod
     * CIDR of this family must lie inside one of the cluster CIDRs given, or the node is
     * excluded ({@code BAD_PREFIX}). Default none.
     */
    public Builder clusterCidr(IpPrefix cidr) {
      clusterCidrs.add(Objects.requireNonNull(cidr, "cidr"));
      return this;
    }

    /** Optional: an address for the interface, such as this node's pod gateway. Default none. */
    public Builder interfaceAddress(InterfaceAddress address) {
      interfaceAddresses.add(Objects.requireNonNull(address, "address"));
      return this;
    }

    /** Optional: the interface MTU. Default 1420 (1500 minus WireGuard's 80 bytes). */
    public Builder mtu(int mtu) {
      this.mtu = mtu;
      return this;
    }

    /** Optional: persistent keepalive for every peer. Default off. */
    public Builder persistentKeepalive(Duration interval) {
      this.persistentKeepalive = Objects.requireNonNull(interval, "interval");
      return this;
    }

    /** Optional: how often the device is re-read and stray peers removed. Default 30 s. */
    public Builder resyncPeriod(Duration period) {
      this.resyncPeriod = Objects.requireNonNull(period, "period");
      return this;
    }

    /** Optional: the annotation holding public keys. Default {@code clusternet.io/wireguard-public-key}. */
    public Builder annotationKey(String key) {
      this.annotationKey = Objects.requireNonNull(key, "key");
      return this;
    }

    /** Optional: which InternalIP family to use as endpoints. Default prefer IPv4. */
    public Builder addressFamily(MeshMapper.AddressFamily family) {
      this.family = Objects.requireNonNull(family, "family");
      return this;
    }

    /** Optional: add each node's own address to its allowed IPs. Default false. */
    public Builder includeNodeAddress(boolean include) {
      this.includeNodeAddress = include;
      return this;
    }

    /**
     * Optional: the shortest pod CIDR accepted from a node, in prefix bits per family, for a
     * family without a {@link #clusterCidr}: a node claiming a wider one (or {@code /0}, always)
     * is excluded ({@code BAD_PREFIX}), since its peer would accept packets from, and route to, the
     * whole range. Default {@value MeshMapper#DEFAULT_MIN_IPV4_POD_CIDR_LENGTH} for IPv4 and
     * {@value MeshMapper#DEFAULT_MIN_IPV6_POD_CIDR_LENGTH} for IPv6 (Kubernetes gives nodes /24
     * and /64 by default). {@link #build()} throws unless {@code ipv4} is 1-32 and {@code ipv6}
     * 1-128.
     */
    public Builder minimumPodCidrLength(int ipv4, int ipv6) {
      this.minIpv4PodCidrLength = ipv4;
      this.minIpv6PodCidrLength = ipv6;
      return this;
    }

    /** Optional: the scheduler for reconciliation (default: a daemon thread of our own). */
    public Builder scheduler(ScheduledExecutorService scheduler) {
      this.scheduler = Objects.requireNonNull(scheduler, "scheduler");
      return this;
    }

    /**
     * Optional: the wall clock that handshake ages in {@link ClusterNet#status()} are measured
     * against (handshake times are wall-clock instants). Default {@code Clock.systemUTC()}.
     */
    public Builder clock(java.time.Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Optional: leave the device, addresses and routes in place at stop. Default false. */
    public Builder keepOnStop(boolean keep) {
      this.keepOnStop = keep;
      return this;
    }

    /** Optional: what to do with a key file readable by others. Default repair and warn. */
    public Builder loosePermissions(KeyManager.LoosePermissions policy) {
      this.loosePermissions = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /** Checks the inputs and builds the (not yet started) service. */
    public ClusterNet build() {
      if (nodeName == null || nodeName.isBlank()) throw new IllegalStateException("nodeName is required");
      if (apiClient == null) throw new IllegalStateException("kubernetes(ApiClient) is required");
      if (storageRoot == null && storage == null) {
        throw new IllegalStateException("storageRoot(Path) or storage(ClusternetRoot) is required");
      }
      if (interfaceName.isEmpty() || interfaceName.length() > 15) {
        throw new IllegalStateException("interfaceName must be 1-15 characters: " + interfaceName);
      }
      if (listenPort < 1 || listenPort > 65535) {
        throw new IllegalStateException("listenPort must be 1-65535: " + listenPort);
      }
      if (mtu < 1280 || mtu > 65535) throw new IllegalStateException("mtu must be >= 1280: " + mtu);
      if (minIpv4PodCidrLength < 1 || minIpv4PodCidrLength > 32
          || minIpv6PodCidrLength < 1 || minIpv6PodCidrLength > 128) {
        throw new IllegalStateException("minimumPodCidrLength must be 1-32 (IPv4) and 1-128 "
            + "(IPv6): " + minIpv4PodCidrLength + ", " + minIpv6PodCidrLength);
      }
      if (resyncPeriod.isNegative() || resyncPeriod.isZero()) {
        throw new IllegalStateException("resyncPeriod must be positive");
      }
      if (daemon != null && !daemon.interfaceName().equals(interfaceName)) {
        throw new IllegalStateException("the wireguard-go daemon's interface "
            + daemon.interfaceName() + " differs from interfaceName " + interfaceName);
      }
      if (daemon != null && wireGuard != null) {
        throw new IllegalStateException("choose userspace(...) or backends(...), not both");
      }
      return new ClusterNet(this);
    }
  }
}
