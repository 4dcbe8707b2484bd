package io.clusternet.core;

import com.google.common.util.concurrent.AbstractService;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.backend.WireGuardBackends;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.k8s.InformerNodeSource;
import io.clusternet.core.k8s.KeyPublisher;
import io.clusternet.core.keys.KeyManager;
import io.clusternet.core.keys.NodeKey;
import io.clusternet.core.mesh.MeshFollower;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.metrics.MetricsSnapshot;
import io.clusternet.core.metrics.MicrometerMetrics;
import io.clusternet.core.metrics.ServiceMetrics;
import io.clusternet.core.reconcile.Reconciler;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.localstorage.NioStorage;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
public final class ClusterNet extends AbstractService {
  private static final Logger log = LoggerFactory.getLogger(ClusterNet.class);

  /** Where a node's public key is published by default. */
  public static final String DEFAULT_ANNOTATION = "clusternet.io/wireguard-public-key";
  /** The default interface name. */
  public static final String DEFAULT_INTERFACE = "clusternet";
  /** The default WireGuard port. */
  public static final int DEFAULT_PORT = 51820;
  /** The rtm_protocol that marks routes clusternet owns. */
  public static final int ROUTE_PROTOCOL = 129;

  private final ClusterNetConfig config;
  private volatile NodeKey key;
  private ScheduledExecutorService scheduler;
  private boolean ownScheduler;
  private ExecutorService informerExecutor;
  private volatile DeviceSetup device;
  private volatile NodeSource nodes;
  private InformerNodeSource informer;
  private volatile KeyPublisher publisher;
  private volatile MeshFollower follower;
  private volatile Reconciler reconciler;
  private volatile DeviceWatchdog watchdog;
  private volatile ServiceMetrics metrics = ServiceMetrics.NONE;

  private ClusterNet(ClusterNetConfig config) {
    this.config = config;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The configuration this service was built with (for tests). */
  ClusterNetConfig config() {
    return config;
  }

  private String serviceName() {
    return "ClusterNet[" + config.nodeName() + "]";
  }

  @Override
  public String toString() {
    return serviceName() + " [" + state() + "]";
  }

  @Override
  protected void doStart() {
    Thread t = new Thread(() -> {
      try {
        startUp();
        notifyStarted();
      } catch (Throwable e) {
        log.error("{}: start failed, removing what was set up: {}", config.nodeName(),
            e.getMessage());
        tearDown(false);
        notifyFailed(e);
      }
    }, serviceName() + " STARTING");
    t.setDaemon(true);
    t.start();
  }

  @Override
  protected void doStop() {
    Thread t = new Thread(() -> {
      try {
        tearDown(config.keepOnStop());
        notifyStopped();
      } catch (Throwable e) {
        notifyFailed(e);
      }
    }, serviceName() + " STOPPING");
    t.setDaemon(true);
    t.start();
  }

  private void startUp() throws Exception {
    // 1. The key first: nothing touches the network before it is safely on disk.
    ClusternetRoot root = config.storage() != null ? config.storage()
        : ClusternetRoot.at(config.storageRoot());
    root.create();
    key = KeyManager.of(root.privateKeyFile()).withLoosePermissions(config.loosePermissions())
        .loadOrGenerate();
    log.info("{}: WireGuard public key {}", config.nodeName(), key.publicKey());

    scheduler = config.scheduler();
    if (scheduler == null) {
      ownScheduler = true;
      scheduler = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clusternet-" + config.nodeName());
        t.setDaemon(true);
        return t;
      });
    }

    // 2. The device.
    // wireguard-go's output: under the storage root's ephemeral tree, not in /tmp (issue 14).
    Optional<Path> daemonLogs = root.storage() instanceof NioStorage files
        ? Optional.of(files.resolve(root.ephemeral.clusternet.path())) : Optional.empty();
    device = new DeviceSetup(config, key.privateKey(), daemonLogs);
    device.bringUp();

    // 3. Kubernetes: publish our key (on its own thread), watch all nodes.
    publisher = new KeyPublisher(config.apiClient(), config.nodeName(), config.annotationKey(),
        key.publicKey(), config.apiCallTimeout(), config.clock());
    publisher.start();
    if (config.nodeSource() != null) {
      nodes = config.nodeSource();
    } else {
      informerExecutor = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "clusternet-informer-" + config.nodeName());
        t.setDaemon(true);
        return t;
      });
      informer = new InformerNodeSource(config.apiClient(), informerExecutor,
          config.watchTimeout());
      nodes = informer;
    }
    follower = new MeshFollower(config.nodeName(), nodes,
        all -> config.mappingConfig(key.publicKey(), all), this::observeSelf,
        () -> reconciler.resyncAfter(Duration.ofMillis(200)));
    reconciler = new Reconciler(config.interfaceName(), device.wireGuard(), follower::desired,
        nodes::hasSynced, Optional.of(key.privateKey()), OptionalInt.of(config.listenPort()),
        scheduler, config.resyncPeriod(), Duration.ofMillis(200), Duration.ofSeconds(30),
        config.endpointPolicy(), config.roamingGrace(), config.clock());
    nodes.onChange(reconciler::signal);
    metrics = config.metrics().bind(this::metricsSnapshot, scheduler, config.resyncPeriod());
    reconciler.observeRuns(metrics::reconciled);
    reconciler.start();
    if (informer != null) informer.start();
    waitForSyncThenSignal();
    watchdog = new DeviceWatchdog(config, device, reconciler, () -> state() == State.RUNNING,
        this::failFromWatchdog);
    watchdog.start(scheduler);
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

  /** Our Node does not show our key (someone changed it, or the cache lags our own patch). */
  private void observeSelf(Optional<NodeInfo> self) {
    if (self.isPresent() && publisher.state() != KeyPublisher.State.PENDING
        && !publisher.shows(self.get())) {
      publisher.recheck(); // patches only if the API server really shows another key
    }
  }

  private void failFromWatchdog(Throwable cause) {
    Thread t = new Thread(() -> {
      tearDown(false);
      notifyFailed(cause);
    }, serviceName() + " FAILING");
    t.setDaemon(true);
    t.start();
  }

  private void tearDown(boolean keep) {
    metrics.close();
    if (watchdog != null) watchdog.close();
    if (reconciler != null) reconciler.close();
    if (publisher != null) publisher.close();
    if (informer != null) informer.close();
    if (informerExecutor != null) informerExecutor.shutdownNow();
    if (device != null) device.tearDown(keep);
    if (ownScheduler && scheduler != null) scheduler.shutdownNow();
  }

  /** What the meters show, from the status (so the two cannot disagree). */
  private MetricsSnapshot metricsSnapshot() {
    return StatusMetrics.of(status(), deviceReads(), informer == null ? 0 : informer.relists());
  }

  /** This node's public key (after start). */
  public PublicKey publicKey() {
    return Objects.requireNonNull(key, "not started").publicKey();
  }

  /** Device reads by the reconciler since start (one per resync, retry and the first run). */
  long deviceReads() {
    return reconciler == null ? 0 : reconciler.deviceReads();
  }

  /** Backend writes since start: a Node heartbeat causes none. */
  public long backendWrites() {
    return reconciler == null ? 0 : reconciler.writes();
  }

  /**
   * Divergences between the incrementally kept desired mesh and the one recomputed from the
   * informer's cache at a resync (each one repaired and logged at WARN). 0 in a correct run.
   */
  public long repairs() {
    return follower == null ? 0 : follower.repairs();
  }

  /**
   * Asks for a reconciliation now that re-reads the device and recomputes the desired mesh from
   * the source of truth (normally not needed: node changes and the periodic resync do it).
   */
  public void reconcileNow() {
    if (reconciler != null) reconciler.resyncNow();
  }

  /** The health flags. */
  public ClusterNetStatus.Health health() {
    return StatusReport.health(config, state() == State.RUNNING, device, watchdog, reconciler,
        nodes, publisher);
  }

  /**
   * A snapshot: peers with handshake age and transfer, excluded nodes with reasons, and the
   * health flags, from one device read.
   */
  public ClusterNetStatus status() {
    return StatusReport.status(config, state() == State.RUNNING, key, device, watchdog,
        reconciler, nodes, publisher, follower, backendWrites(), repairs());
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
    private Duration apiCallTimeout = Duration.ofSeconds(10);
    private Duration watchTimeout = InformerNodeSource.DEFAULT_WATCH_TIMEOUT;
    private Duration deviceCheckPeriod;
    private Duration deviceRestoreTimeout = Duration.ofSeconds(60);
    private EndpointPolicy endpointPolicy = EndpointPolicy.ROAMING;
    private Duration roamingGrace = EndpointPolicy.DEFAULT_GRACE;
    private ServiceMetrics.Binder metrics = ServiceMetrics.Binder.NONE;

    private Builder() {}

    /**
     * Optional: a Micrometer registry for the service's meters (Micrometer is an optional
     * dependency: without this call none of its classes is loaded). The meters, rendered with
     * Prometheus names (the README's metrics table says more): gauges {@code clusternet_peers},
     * {@code clusternet_excluded_nodes{reason}}, {@code clusternet_healthy}, {@code
     * clusternet_device_up}, {@code clusternet_key_published} and {@code
     * clusternet_informer_synced} (1 or 0); counters {@code clusternet_device_writes_total},
     * {@code clusternet_device_reads_total}, {@code clusternet_repairs_total} and {@code
     * clusternet_informer_relists_total}; the timer {@code clusternet_reconcile_seconds{result}}
     * ({@code success}, {@code failure}); per peer, tagged {@code node} with the node's name
     * (never a key), {@code clusternet_peer_handshake_age_seconds} (NaN before the first
     * handshake) and {@code clusternet_peer_receive_bytes_total}, {@code
     * clusternet_peer_transmit_bytes_total}. Values come from {@link ClusterNet#status()}, read at
     * most once a second. The meters are added at start and removed at stop (a peer's when it
     * leaves); a registry holds the meters of one running service. Default: no meters.
     */
    public Builder meterRegistry(io.micrometer.core.instrument.MeterRegistry registry) {
      this.metrics = MicrometerMetrics.binder(registry);
      return this;
    }

    /**
     * Optional: which endpoint a peer already on the device keeps when WireGuard has roamed it
     * (updated it from an authenticated packet, as for a peer behind NAT) to another address
     * than its node's configured InternalIP:port. Default {@link EndpointPolicy#ROAMING}: the
     * roamed endpoint is kept while the peer's latest handshake is at most {@link #roamingGrace}
     * old, then the configured one is written again. {@link EndpointPolicy#CONFIGURED} writes the
     * configured endpoint back at every resync. New peers always get the configured endpoint.
     */
    public Builder endpointPolicy(EndpointPolicy policy) {
      this.endpointPolicy = Objects.requireNonNull(policy, "policy");
      return this;
    }

    /**
     * Optional: under {@link EndpointPolicy#ROAMING}, how old a peer's latest handshake may be
     * for its roamed endpoint to be kept (measured against the {@link #clock}). Default {@link
     * EndpointPolicy#DEFAULT_GRACE} (180 s, WireGuard's REJECT_AFTER_TIME). {@link #build()}
     * throws unless it is positive.
     */
    public Builder roamingGrace(Duration grace) {
      this.roamingGrace = Objects.requireNonNull(grace, "grace");
      return this;
    }

    /**
     * Optional: the longest one API call of ours may take, start to end (publishing the key;
     * the informer's long watches are the client's). Default 10 s.
     */
    public Builder apiCallTimeout(Duration timeout) {
      this.apiCallTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Optional: the longest node watch (whole seconds, at least 1 s). The API server ends each
     * watch after this and the informer watches again from where it was; a watch still open 15 s
     * later is cut on our side, so an API connection that went silent (a NAT or load balancer
     * lost its state) is noticed within this plus 15 s and the nodes are listed anew; until a
     * list succeeds {@code health()} is not healthy and {@code lastError} says {@code node watch:
     * no answer within N s}. Shorter notices sooner; each watch renewal is one cheap request per
     * node. Default 2 min; {@code build()} refuses less than 1 s.
     */
    public Builder watchTimeout(Duration timeout) {
      this.watchTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Optional: how often the device is checked cheaply (daemon alive, interface present and up,
     * addresses and routes in place; no peer dump). Default the resync period, at most 2 s.
     */
    public Builder deviceCheckPeriod(Duration period) {
      this.deviceCheckPeriod = Objects.requireNonNull(period, "period");
      return this;
    }

    /**
     * Optional: how long the service keeps trying to restore a broken device (backing off)
     * before it fails ({@code state()} FAILED, {@code failureCause()} says why; the agent then
     * exits 1 and a DaemonSet restarts it). Default 60 s.
     */
    public Builder deviceRestoreTimeout(Duration timeout) {
      this.deviceRestoreTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

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
     * at stop. Its interface name must equal {@link #interfaceName}. Unless the builder sets a
     * log file, the daemon's output goes to {@code
     * <storage root>/ephemeral/clusternet/wireguard-go-<interface>.log} (truncated at each start)
     * when the storage is on a file system, else to a temporary file deleted at stop.
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

    /**
     * Optional: persistent keepalive for every peer, whole seconds from 0 to 65,535 (WireGuard's
     * range; {@link #build()} refuses anything else). Default {@link Duration#ZERO}: off.
     */
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
     * Optional: the wall clock that handshake ages are measured against, in {@link
     * ClusterNet#status()} and for the {@link #endpointPolicy} (handshake times are wall-clock
     * instants). Default {@code Clock.systemUTC()}.
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
      return new ClusterNet(config());
    }

    /**
     * A dry run: the plan a start would apply to the device now, with the nodes it would exclude,
     * from the key file (loaded with the usual checks, never generated: without one a throw-away
     * key stands in and the preview says so), one list of the Nodes (or the node source's
     * snapshot) and one read of the device if it exists. Writes nothing: no key file, no device
     * change, no annotation.
     *
     * @throws IllegalStateException for settings {@link #build()} refuses
     * @throws Exception from the key file ({@code StorageException}), the API server or the
     *     device backend
     */
    public PlanPreview preview() throws Exception {
      return PlanPreview.compute(config());
    }

    private ClusterNetConfig config() {
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
      if (persistentKeepalive.isNegative() || persistentKeepalive.getSeconds() > 65535
          || persistentKeepalive.getNano() != 0) {
        throw new IllegalStateException("persistentKeepalive must be 0-65535 whole seconds "
            + "(WireGuard's range), got " + (persistentKeepalive.getNano() == 0
                ? persistentKeepalive.getSeconds() + " s" : persistentKeepalive.toString()));
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
      if (watchTimeout.toSeconds() < 1) {
        throw new IllegalStateException("watchTimeout must be at least 1 s: " + watchTimeout);
      }
      if (apiCallTimeout.isNegative() || apiCallTimeout.isZero()) {
        throw new IllegalStateException("apiCallTimeout must be positive");
      }
      if (deviceCheckPeriod != null && (deviceCheckPeriod.isNegative()
          || deviceCheckPeriod.isZero())) {
        throw new IllegalStateException("deviceCheckPeriod must be positive");
      }
      if (roamingGrace.isNegative() || roamingGrace.isZero()) {
        throw new IllegalStateException("roamingGrace must be positive: " + roamingGrace);
      }
      if (deviceRestoreTimeout.isNegative()) {
        throw new IllegalStateException("deviceRestoreTimeout must not be negative");
      }
      Duration check = deviceCheckPeriod != null ? deviceCheckPeriod
          : (resyncPeriod.compareTo(Duration.ofSeconds(2)) < 0 ? resyncPeriod
              : Duration.ofSeconds(2));
      return new ClusterNetConfig(nodeName, apiClient, storageRoot, storage,
          wireGuard, links, daemon == null ? null : daemon.copy(), nodeSource, namespace,
          interfaceName, listenPort,
          clusterCidrs, interfaceAddresses, mtu, persistentKeepalive, resyncPeriod, annotationKey,
          family, includeNodeAddress, minIpv4PodCidrLength, minIpv6PodCidrLength, scheduler,
          clock, keepOnStop, loosePermissions,
          apiCallTimeout, watchTimeout, check, deviceRestoreTimeout, endpointPolicy, roamingGrace,
          metrics);
    }
  }
}
