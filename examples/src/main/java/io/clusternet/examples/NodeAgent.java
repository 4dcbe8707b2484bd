package io.clusternet.examples;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.diff.EndpointPolicy;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.Untrusted;
import io.clusternet.core.storage.ClusternetRoot;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.netlink.NetlinkWireGuardBackend;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.Reader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The clusternet node agent: one per node (a DaemonSet pod with host networking and
 * NET_ADMIN), embedding the library through {@link ClusterNet#builder()}.
 *
 * <p>How to run: {@code java -jar examples/target/clusternet-examples.jar agent --help}.
 */
@Command(name = "clusternet-examples.jar agent", mixinStandardHelpOptions = true,
    sortOptions = false, usageHelpWidth = 100,
    description = {
        "Gives this node an encrypted WireGuard tunnel to every other node of the cluster.",
        "Publishes this node's public key on its Node object, watches all Nodes, and keeps the "
            + "WireGuard peers equal to them: endpoint = InternalIP:port, allowed IPs = podCIDRs.",
        ""},
    footer = {"", "Status: printed every --status-interval seconds and written to "
        + "<storage-root>/ephemeral/clusternet/status.txt and status.json (see the status "
        + "command).",
        "Health (with --health-address): /healthz and /readyz answer 200 \"ok\" or 503 and the "
            + "reason.",
        "Metrics (with --metrics-address): /metrics in the Prometheus text format.",
        "Stop: SIGTERM or SIGINT stops cleanly (with --keep-on-stop the interface stays).",
        "Exit codes: 0 stopped cleanly, 1 failed to start or failed while running, 2 bad usage "
            + "(a flag's value, or an unusable kubeconfig)."})
public final class NodeAgent implements Callable<Integer> {
  @Option(names = "--kubeconfig", paramLabel = "FILE",
      description = "kubeconfig to use (default: in-cluster config when in a pod, else "
          + "$KUBECONFIG or ~/.kube/config)")
  Path kubeconfig;

  @Option(names = "--in-cluster", description = "use the pod's service account")
  boolean inCluster;

  @Option(names = "--node-name", paramLabel = "NAME",
      description = "this node's name (default: $NODE_NAME, else the hostname)")
  String nodeName;

  @Option(names = "--interface", paramLabel = "NAME", defaultValue = ClusterNet.DEFAULT_INTERFACE,
      description = "WireGuard interface name (default: ${DEFAULT-VALUE})")
  String iface;

  @Option(names = "--storage-root", paramLabel = "DIR", defaultValue = "/var/lib/clusternet",
      description = "where the node key lives, in data/kubernetes/clusternet/private.key "
          + "(default: ${DEFAULT-VALUE})")
  Path storageRoot;

  @Option(names = "--backend", paramLabel = "MODE", defaultValue = "auto",
      description = "auto, kernel or userspace (default: ${DEFAULT-VALUE}: the kernel if it has "
          + "WireGuard, else wireguard-go)")
  String backend;

  @Option(names = "--listen-port", paramLabel = "PORT", defaultValue = "51820",
      description = "WireGuard UDP port, the same on every node (default: ${DEFAULT-VALUE})")
  int listenPort;

  @Option(names = "--cluster-cidr", paramLabel = "CIDR",
      description = "a cluster CIDR to route into the interface (repeatable)")
  List<String> clusterCidrs = new ArrayList<>();

  @Option(names = "--min-pod-cidr-length", paramLabel = "V4,V6", split = ",",
      defaultValue = MeshMapper.DEFAULT_MIN_IPV4_POD_CIDR_LENGTH + ","
          + MeshMapper.DEFAULT_MIN_IPV6_POD_CIDR_LENGTH,
      description = "for a family without --cluster-cidr: the shortest pod CIDR a node may claim, "
          + "in bits for IPv4 and IPv6; wider claims exclude their node (default: "
          + "${DEFAULT-VALUE})")
  List<Integer> minPodCidrLength = new ArrayList<>();

  @Option(names = "--interface-address", paramLabel = "ADDR/LEN",
      description = "an address for the interface, such as this node's pod gateway (repeatable)")
  List<String> interfaceAddresses = new ArrayList<>();

  @Option(names = "--mtu", defaultValue = "1420", description = "interface MTU (default: ${DEFAULT-VALUE})")
  int mtu;

  @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "0",
      description = "persistent keepalive for every peer, 0 = off (default: ${DEFAULT-VALUE})")
  int keepalive;

  @Option(names = "--endpoint-policy", paramLabel = "POLICY", defaultValue = "ROAMING",
      description = "which endpoint a peer keeps when WireGuard roamed it (NAT): ROAMING keeps "
          + "it while the latest handshake is at most --roaming-grace old, CONFIGURED writes the "
          + "InternalIP endpoint back at every resync (default: ${DEFAULT-VALUE})")
  EndpointPolicy endpointPolicy;

  @Option(names = "--roaming-grace", paramLabel = "SECONDS", defaultValue = "180",
      description = "ROAMING: how old the latest handshake may be for a roamed endpoint to be "
          + "kept, > 0 (default: ${DEFAULT-VALUE}, WireGuard's REJECT_AFTER_TIME)")
  long roamingGraceSeconds;

  @Option(names = "--resync", paramLabel = "SECONDS", defaultValue = "30",
      description = "re-read the device and remove stray peers this often (default: ${DEFAULT-VALUE})")
  int resyncSeconds;

  @Option(names = "--annotation", paramLabel = "KEY", defaultValue = ClusterNet.DEFAULT_ANNOTATION,
      description = "Node annotation holding public keys (default: ${DEFAULT-VALUE})")
  String annotation;

  @Option(names = "--address-family", paramLabel = "FAMILY", defaultValue = "PREFER_IPV4",
      description = "endpoint family: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE})")
  MeshMapper.AddressFamily family;

  @Option(names = "--netns", paramLabel = "NAME",
      description = "manage a node in this network namespace (ip netns name or path); for demos "
          + "and tests that run several nodes on one machine")
  String netns;

  @Option(names = "--socket-dir", paramLabel = "DIR",
      description = "userspace: a private wireguard-go socket directory (bind-mounted over "
          + "/var/run/wireguard, so several nodes on one machine can share an interface name)")
  Path socketDir;

  @Option(names = "--log-level", paramLabel = "LEVEL", defaultValue = "info",
      description = "error, warn, info or debug (default: ${DEFAULT-VALUE})")
  String logLevel;

  @Option(names = "--status-interval", paramLabel = "SECONDS", defaultValue = "30",
      description = "print and write the status this often, 0 = never (default: ${DEFAULT-VALUE})")
  int statusInterval;

  @Option(names = "--dry-run",
      description = "print the plan a start would apply now (peers to add, update and remove, each "
          + "with its reason, and the excluded nodes), change nothing (no key file, device or "
          + "annotation), and exit 0")
  boolean dryRun;

  @Option(names = "--keep-on-stop",
      description = "at a stop, leave the interface, its addresses, routes and peers in place "
          + "(userspace: wireguard-go keeps running), so traffic keeps flowing while a new agent "
          + "starts and adopts them, as in a rolling update")
  boolean keepOnStop;

  @Option(names = "--health-address", paramLabel = "HOST:PORT|off", defaultValue = "off",
      description = "serve GET /healthz (liveness) and /readyz (readiness) here, such as "
          + "127.0.0.1:9473 (the manifest's); HOST is an IP address, [::1] for IPv6, port 0 "
          + "picks a free one; off = no endpoints (default: ${DEFAULT-VALUE})")
  String healthAddress;

  @Option(names = "--metrics-address", paramLabel = "HOST:PORT|off", defaultValue = "off",
      description = "serve GET /metrics (Prometheus text format) here, such as 127.0.0.1:9586 "
          + "(the manifest's); HOST is an IP address, [::1] for IPv6, port 0 picks a free one; "
          + "the same as --health-address: one server for both; off = no metrics (default: "
          + "${DEFAULT-VALUE})")
  String metricsAddress;

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs the agent with {@code args}; returns the exit code (see the usage's footer). */
  static int run(String[] args) {
    NodeAgent agent = new NodeAgent();
    CommandLine cl = new CommandLine(agent);
    try {
      cl.parseArgs(args);
      if (cl.isUsageHelpRequested()) {
        cl.usage(System.out);
        return 0;
      }
      if (cl.isVersionHelpRequested()) {
        System.out.println("clusternet agent 0.1.0-SNAPSHOT");
        return 0;
      }
      agent.validate();
      // Before any logger exists.
      System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", agent.logLevel);
      System.setProperty("org.slf4j.simpleLogger.showDateTime", "true");
      System.setProperty("org.slf4j.simpleLogger.dateTimeFormat", "HH:mm:ss.SSS");
      quietInformerLogs(agent.logLevel);
      return agent.call();
    } catch (CommandLine.ParameterException e) {
      System.err.println("error: " + e.getMessage());
      System.err.println("(agent --help lists every flag)");
      return 2;
    } catch (Exception e) {
      System.err.println("error: " + e.getMessage());
      return 1;
    }
  }

  private CommandLine.ParameterException usage(String flag, String problem) {
    return new CommandLine.ParameterException(new CommandLine(this), flag + ": " + problem);
  }

  private void range(String flag, long value, long min, long max) {
    if (value < min || value > max) {
      throw usage(flag, "must be " + min + " to " + max + ", not " + value);
    }
  }

  /**
   * Checks every flag before anything is read or started.
   *
   * @throws CommandLine.ParameterException naming the flag and what is wrong with its value
   */
  void validate() {
    if (nodeName != null && nodeName.isBlank()) throw usage("--node-name", "must not be empty");
    if (iface.isEmpty() || iface.length() > 15 || iface.equals(".") || iface.equals("..")
        || !iface.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '/' && c != ':')) {
      throw usage("--interface", "must be 1 to 15 printable characters without '/', ':' or "
          + "spaces, not " + Untrusted.quote(iface));
    }
    if (!List.of("auto", "kernel", "userspace").contains(backend)) {
      throw usage("--backend", "must be auto, kernel or userspace, not " + Untrusted.quote(backend));
    }
    if (roamingGraceSeconds <= 0) {
      throw usage("--roaming-grace", "must be a positive number of seconds, not "
          + roamingGraceSeconds);
    }
    range("--listen-port", listenPort, 1, 65535);
    range("--mtu", mtu, 1280, 65535);
    range("--keepalive", keepalive, 0, 65535);
    range("--resync", resyncSeconds, 1, 86400);
    range("--status-interval", statusInterval, 0, 86400);
    if (minPodCidrLength.size() != 2) {
      throw usage("--min-pod-cidr-length", "takes two lengths, IPv4 and IPv6, such as 16,48");
    }
    range("--min-pod-cidr-length (IPv4)", minPodCidrLength.get(0), 1, 32);
    range("--min-pod-cidr-length (IPv6)", minPodCidrLength.get(1), 1, 128);
    for (String c : clusterCidrs) {
      try {
        IpPrefix.parse(c);
      } catch (AddressFormatException | RuntimeException e) {
        throw usage("--cluster-cidr", e.getMessage());
      }
    }
    for (String a : interfaceAddresses) {
      try {
        InterfaceAddress.parse(a);
      } catch (AddressFormatException | RuntimeException e) {
        throw usage("--interface-address", e.getMessage());
      }
    }
    if (annotation.isBlank()) throw usage("--annotation", "must not be empty");
    if (!List.of("error", "warn", "info", "debug", "trace").contains(logLevel)) {
      throw usage("--log-level", "must be error, warn, info, debug or trace, not "
          + Untrusted.quote(logLevel));
    }
    try {
      HealthEndpoints.parseAddress(healthAddress);
    } catch (IllegalArgumentException e) {
      throw usage("--health-address", e.getMessage());
    }
    try {
      HealthEndpoints.parseAddress(metricsAddress);
    } catch (IllegalArgumentException e) {
      throw usage("--metrics-address", e.getMessage());
    }
    if (inCluster && kubeconfig != null) {
      throw usage("--in-cluster", "choose --in-cluster or --kubeconfig, not both");
    }
  }

  /**
   * client-java's informer logs what the library already reports better (issue 14, Logs): its
   * reflector says "Start listing and watching" at INFO on every retry, once a second while the
   * API server is unreachable (the library logs the failures themselves, at each doubling, with
   * a count), and every stop interrupts its controller and listener threads, which log that
   * InterruptedException at ERROR with a stack trace. So below debug the reflector logs only
   * warnings and errors, and the controller and listener loggers are off: the library's event
   * handler never throws (it logs its own failures), so what they would otherwise say is the
   * interrupt at stop and, in the controller, a crash of client-java's own delta processing.
   */
  static void quietInformerLogs(String level) {
    if (level.equalsIgnoreCase("debug") || level.equalsIgnoreCase("trace")) return;
    String prefix = "org.slf4j.simpleLogger.log.io.kubernetes.client.informer.cache.";
    System.setProperty(prefix + "ReflectorRunnable", "warn");
    System.setProperty(prefix + "Controller", "off");
    System.setProperty(prefix + "ProcessorListener", "off");
  }

  private ApiClient client() throws Exception {
    if (inCluster) return ClientBuilder.cluster().build();
    if (kubeconfig != null) return fromKubeconfig(kubeconfig, "--kubeconfig " + kubeconfig);
    if (System.getenv("KUBERNETES_SERVICE_HOST") != null) return ClientBuilder.cluster().build();
    String env = System.getenv("KUBECONFIG");
    if (env != null && !env.isEmpty() && !env.contains(java.io.File.pathSeparator)) {
      return fromKubeconfig(Path.of(env), "$KUBECONFIG " + env);
    }
    Path home = Path.of(System.getProperty("user.home"), ".kube", "config");
    if ((env == null || env.isEmpty()) && Files.exists(home)) {
      return fromKubeconfig(home, "kubeconfig " + home);
    }
    return ClientBuilder.standard().build();
  }

  /**
   * An API client from a kubeconfig file, or a usage error naming {@code source} and what is
   * wrong: missing, unreadable, empty, not YAML (line and column only: the file holds
   * credentials, so none of its text is shown), or without a current context and cluster server.
   */
  static ApiClient fromKubeconfig(Path file, String source) {
    CommandLine cl = new CommandLine(new NodeAgent());
    if (!Files.isRegularFile(file)) {
      throw new CommandLine.ParameterException(cl, source + ": no such file");
    }
    try {
      if (Files.readString(file).isBlank()) {
        throw new CommandLine.ParameterException(cl, source + ": is empty, not a kubeconfig");
      }
    } catch (java.io.IOException e) {
      throw new CommandLine.ParameterException(cl, source + ": cannot read it: "
          + e.getClass().getSimpleName());
    }
    KubeConfig config;
    try (Reader r = Files.newBufferedReader(file)) {
      config = KubeConfig.loadKubeConfig(r);
    } catch (java.io.IOException e) {
      throw new CommandLine.ParameterException(cl, source + ": cannot read it: "
          + e.getClass().getSimpleName());
    } catch (RuntimeException e) {
      // The parser's message quotes the file; keep only its last position (the problem's).
      java.util.regex.Matcher where = java.util.regex.Pattern
          .compile("line (\\d+), column (\\d+)").matcher(String.valueOf(e.getMessage()));
      String at = "";
      while (where.find()) at = " at line " + where.group(1) + ", column " + where.group(2);
      throw new CommandLine.ParameterException(cl, source + ": not a kubeconfig: invalid YAML"
          + at);
    }
    if (config == null) {
      throw new CommandLine.ParameterException(cl, source + ": is empty, not a kubeconfig");
    }
    config.setFile(file.toFile());
    if (config.getCurrentContext() == null || config.getServer() == null) {
      throw new CommandLine.ParameterException(cl, source + ": not a usable kubeconfig: no "
          + (config.getCurrentContext() == null ? "current-context"
              : "cluster server for context " + Untrusted.quote(config.getCurrentContext())));
    }
    try {
      return ClientBuilder.kubeconfig(config).build();
    } catch (java.io.IOException | RuntimeException e) {
      throw new CommandLine.ParameterException(cl, source + ": not a usable kubeconfig: "
          + e.getClass().getSimpleName());
    }
  }

  private static Path namespacePath(String netns) {
    return netns.contains("/") ? Path.of(netns) : Path.of("/var/run/netns", netns);
  }

  @Override
  public Integer call() throws Exception {
    String node = nodeName != null ? nodeName
        : Optional.ofNullable(System.getenv("NODE_NAME"))
            .orElse(InetAddress.getLocalHost().getHostName());
    validate();
    Optional<InetSocketAddress> health = HealthEndpoints.parseAddress(healthAddress);
    Optional<InetSocketAddress> metricsAt = HealthEndpoints.parseAddress(metricsAddress);
    ClusterNet.Builder b = ClusterNet.builder()
        .nodeName(node)
        .kubernetes(client())
        .storageRoot(storageRoot)
        .interfaceName(iface)
        .listenPort(listenPort)
        .mtu(mtu)
        .persistentKeepalive(Duration.ofSeconds(keepalive))
        .resyncPeriod(Duration.ofSeconds(resyncSeconds))
        .endpointPolicy(endpointPolicy)
        .roamingGrace(Duration.ofSeconds(roamingGraceSeconds))
        .annotationKey(annotation)
        .addressFamily(family)
        .minimumPodCidrLength(minPodCidrLength.get(0), minPodCidrLength.get(1))
        .keepOnStop(keepOnStop);
    for (String c : clusterCidrs) b.clusterCidr(IpPrefix.parse(c));
    for (String a : interfaceAddresses) b.interfaceAddress(InterfaceAddress.parse(a));
    Optional<Path> ns = Optional.ofNullable(netns).map(NodeAgent::namespacePath);
    ns.ifPresent(b::networkNamespace);

    boolean kernel = backend.equals("kernel")
        || (backend.equals("auto") && kernelHasWireGuard(ns));
    if (kernel) {
      if (ns.isPresent()) {
        b.backends(NetlinkWireGuardBackend.openIn(ns.get()),
            Optional.of(NetlinkLinkBackend.openIn(ns.get())));
      } else {
        b.backends(NetlinkWireGuardBackend.open(), Optional.of(NetlinkLinkBackend.open()));
      }
    } else {
      WireGuardGoProcess.Builder daemon = WireGuardGoProcess.builder(iface);
      if (netns != null) daemon.networkNamespace(ns.get().getFileName().toString());
      if (socketDir != null) daemon.socketDirectory(socketDir);
      b.userspace(daemon);
      b.linkBackend(ns.isPresent() ? NetlinkLinkBackend.openIn(ns.get())
          : NetlinkLinkBackend.open());
    }

    if (dryRun) {
      try {
        System.out.print(b.preview().format());
        return 0;
      } catch (IllegalStateException | IllegalArgumentException e) {
        throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
      } catch (Exception e) {
        System.err.println("error: dry run: " + e.getMessage());
        return 1;
      }
    }
    PrometheusMeterRegistry registry = null;
    if (metricsAt.isPresent()) {
      registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
      b.meterRegistry(registry);
    }
    ClusterNet net;
    try {
      net = b.build();
    } catch (IllegalStateException | IllegalArgumentException e) {
      // A setting the library refuses (keepalive, MTU, port, ...): bad usage, exit 2.
      throw new CommandLine.ParameterException(new CommandLine(this), e.getMessage(), e);
    }
    // Bound before the service starts: a taken address is an error before anything changes.
    HealthEndpoints endpoints = null;
    if (health.isPresent()) {
      try {
        endpoints = HealthEndpoints.start(health.get(), net);
      } catch (java.io.IOException e) {
        System.err.println("error: --health-address " + healthAddress + ": cannot listen: "
            + e.getMessage());
        return 1;
      }
      InetSocketAddress bound = endpoints.address();
      System.out.println("health endpoints on http://"
          + (bound.getAddress() instanceof java.net.Inet6Address
              ? "[" + bound.getAddress().getHostAddress() + "]"
              : bound.getAddress().getHostAddress())
          + ":" + bound.getPort() + " (/healthz, /readyz)");
    }
    MetricsEndpoint metrics = null;
    if (metricsAt.isPresent()) {
      InetSocketAddress bound;
      if (endpoints != null && metricsAt.equals(health)) {
        endpoints.serve("/metrics", MetricsEndpoint.handler(registry));
        bound = endpoints.address();
      } else {
        try {
          metrics = MetricsEndpoint.start(metricsAt.get(), registry);
        } catch (java.io.IOException e) {
          System.err.println("error: --metrics-address " + metricsAddress + ": cannot listen: "
              + e.getMessage());
          if (endpoints != null) endpoints.close();
          return 1;
        }
        bound = metrics.address();
      }
      System.out.println("metrics on http://" + (bound.getAddress() instanceof java.net.Inet6Address
              ? "[" + bound.getAddress().getHostAddress() + "]"
              : bound.getAddress().getHostAddress())
          + ":" + bound.getPort() + "/metrics");
    }
    HealthEndpoints served = endpoints;
    MetricsEndpoint servedMetrics = metrics;
    // SIGTERM (the kubelet, docker stop) and SIGINT (Ctrl-C) are a clean stop: exit 0, not the
    // JVM's 128 + signal. Any other exit still stops the service in the shutdown hook.
    CountDownLatch stopRequested = new CountDownLatch(1);
    for (String signal : List.of("TERM", "INT")) {
      sun.misc.Signal.handle(new sun.misc.Signal(signal), sig -> {
        stopRequested.countDown();
        net.stopAsync();
      });
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      net.stopAsync();
      try {
        net.awaitTerminated(java.time.Duration.ofSeconds(15));
      } catch (Exception ignored) {
        // best effort
      }
      if (served != null) served.close();
      if (servedMetrics != null) servedMetrics.close();
      stopped.countDown();
    }, "clusternet-shutdown"));
    net.startAsync();
    try {
      net.awaitRunning();
    } catch (IllegalStateException e) {
      if (net.state() != com.google.common.util.concurrent.Service.State.FAILED) {
        System.out.println("clusternet stopped while starting");
        if (served != null) served.close();
        return 0;
      }
      Throwable cause = net.failureCause();
      System.err.println("error: clusternet failed to start: " + cause.getMessage());
      return 1;
    }
    System.out.println("clusternet running on node " + node + " (" + iface + ", "
        + (kernel ? "kernel" : "userspace") + "), public key " + net.publicKey());
    ClusternetRoot root = ClusternetRoot.at(storageRoot);
    while (net.isRunning()) {
      if (statusInterval > 0) {
        ClusterNetStatus status = net.status();
        String text = status.format();
        System.out.println(text);
        try {
          root.ephemeral.clusternet.status.write(text);
          root.ephemeral.clusternet.statusJson.write(StatusJson.of(status));
        } catch (Exception e) {
          System.err.println("warning: writing the status file: " + e.getMessage());
        }
        stopRequested.await(statusInterval, java.util.concurrent.TimeUnit.SECONDS);
      } else {
        stopRequested.await(1, java.util.concurrent.TimeUnit.SECONDS);
      }
    }
    try {
      net.awaitTerminated(java.time.Duration.ofSeconds(15));
    } catch (java.util.concurrent.TimeoutException | IllegalStateException e) {
      // FAILED is reported below; a stop that hangs is reported here
      if (net.state() != com.google.common.util.concurrent.Service.State.FAILED) {
        System.err.println("error: clusternet did not stop within 15 s");
        return 1;
      }
    }
    if (served != null) served.close();
    if (net.state() == com.google.common.util.concurrent.Service.State.FAILED) {
      System.err.println("error: clusternet failed: " + net.failureCause().getMessage());
      return 1;
    }
    return 0;
  }

  private static boolean kernelHasWireGuard(Optional<Path> ns) {
    try (NetlinkWireGuardBackend b = ns.isPresent() ? NetlinkWireGuardBackend.openIn(ns.get())
        : NetlinkWireGuardBackend.open()) {
      return true;
    } catch (BackendException e) {
      return false;
    }
  }
}
