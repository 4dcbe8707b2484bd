package io.clusternet.demo;

import io.clusternet.examples.NodeAgent;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Underlay;
import io.clusternet.testing.k8s.FakeApiServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A real three-node mesh on this machine, in one command: an API server (the test kit's), three
 * network namespaces as nodes on a bridge, one agent JVM per node (userspace WireGuard here; the
 * kernel's where it has WireGuard), convergence, a ping matrix over the pod addresses, a node
 * deletion, and a full clean-up, also on Ctrl-C. Exits 0 only if every check passed.
 *
 * <p>How to run: {@code ./run-demo} (as root; installs wireguard-go and builds first), or {@code
 * java -jar clusternet-demo/target/clusternet-demo.jar} after a build. Its own module and jar
 * (issue 14): it needs the test kit's API server, which the agent's jar must not carry; the
 * agents it starts run from this jar's class path.
 */
public final class Demo {
  static final int NODES = 3;
  static final Duration CONVERGE = Duration.ofSeconds(40);

  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private final List<NetworkNamespace> namespaces = new ArrayList<>();
  private final List<Process> agents = new ArrayList<>();
  private Underlay underlay;
  private FakeApiServer api;
  private Path work;
  private int failures;
  private final long started = System.nanoTime();

  private Demo() {}

  static final String USAGE = """
      usage: java -jar clusternet-demo.jar [--help]

      A real three-node mesh on this machine: an API server (the test kit's), three network
      namespaces joined by a bridge, one agent JVM per node, a ping matrix over the pod
      addresses, a node deletion, then a clean-up of everything it made (also on Ctrl-C).
      Needs root and wireguard-go (./run-demo installs it and builds first). It takes no options.

      Exit codes: 0 every check passed, 1 a check or a step failed, 2 bad usage.
      """;

  /**
   * The exit code for {@code args} before the demo starts: 0 after printing the usage for
   * {@code --help} or {@code -h}, 2 for anything else given, empty to run the demo.
   */
  static java.util.OptionalInt usage(String[] args) {
    if (args.length == 0) return java.util.OptionalInt.empty();
    if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
      System.out.print(USAGE);
      return java.util.OptionalInt.of(0);
    }
    System.err.println("error: demo takes no options, not " + String.join(" ", args));
    System.err.print(USAGE);
    return java.util.OptionalInt.of(2);
  }

  public static void main(String[] args) throws Exception {
    java.util.OptionalInt early = usage(args);
    if (early.isPresent()) System.exit(early.getAsInt());
    Demo demo = new Demo();
    Thread cleanup = new Thread(demo::cleanUp, "demo-cleanup");
    Runtime.getRuntime().addShutdownHook(cleanup);
    int code;
    try {
      code = demo.run();
    } catch (Exception e) {
      System.out.println("\nFAILED: " + e.getMessage());
      code = 1;
    }
    Runtime.getRuntime().removeShutdownHook(cleanup);
    demo.cleanUp();
    System.exit(code);
  }

  private void step(String text) {
    System.out.printf("[%5.1fs] %s%n", (System.nanoTime() - started) / 1e9, text);
  }

  private void check(boolean ok, String what) {
    System.out.println("        " + (ok ? "ok    " : "FAILED") + "  " + what);
    if (!ok) failures++;
  }

  private int run() throws Exception {
    if (!"root".equals(System.getProperty("user.name"))) {
      System.out.println("The demo creates network namespaces: run it as root (sudo ./run-demo).");
      return 2;
    }
    for (String tool : List.of("ip", "ping", "wireguard-go")) {
      if (!io.clusternet.testing.Prerequisites.onPath(tool)) {
        System.out.println("Missing " + tool + ": run ./run-demo, which installs it, or "
            + "apt-get install --no-install-recommends wireguard-go wireguard-tools iproute2 "
            + "iputils-ping");
        return 2;
      }
    }
    work = Files.createTempDirectory("clusternet-demo-");

    step("starting the API server (the test kit's: fabric8 CRUD + a streaming-watch front)");
    api = FakeApiServer.startOnRandomPort();
    Path kubeconfig = work.resolve("kubeconfig");
    Files.writeString(kubeconfig, """
        apiVersion: v1
        kind: Config
        clusters:
        - name: demo
          cluster:
            server: %s
        contexts:
        - name: demo
          context:
            cluster: demo
            user: demo
        current-context: demo
        users:
        - name: demo
          user: {}
        """.formatted(api.url()));
    for (int i = 1; i <= NODES; i++) {
      api.createNode("node-" + i, "192.0.2." + i, List.of("10.244." + i + ".0/24"), null);
    }
    step("registered node-1..node-" + NODES + " (InternalIP 192.0.2.N, podCIDR 10.244.N.0/24)");

    underlay = Underlay.create();
    for (int i = 1; i <= NODES; i++) {
      NetworkNamespace ns = NetworkNamespace.create("cn-demo-node" + i);
      namespaces.add(ns);
      underlay.attach(ns, "192.0.2." + i + "/24");
    }
    step("created " + NODES + " network namespaces joined by a bridge (the underlay)");

    String java = ProcessHandle.current().info().command().orElse("java");
    String classpath = System.getProperty("java.class.path");
    for (int i = 1; i <= NODES; i++) {
      Path root = work.resolve("node-" + i);
      List<String> cmd = List.of(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
          classpath, NodeAgent.class.getName(),
          "--kubeconfig", kubeconfig.toString(),
          "--node-name", "node-" + i,
          "--netns", namespaces.get(i - 1).name(),
          "--storage-root", root.toString(),
          "--socket-dir", work.resolve("sockets/node-" + i).toString(),
          "--interface-address", "10.244." + i + ".1/32",
          "--cluster-cidr", "10.244.0.0/16",
          "--resync", "5",
          "--status-interval", "1",
          "--log-level", "warn");
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(work.resolve("agent-" + i + ".log").toFile()).start();
      agents.add(p);
    }
    step("started " + NODES + " agents, one JVM per node (pids "
        + agents.stream().map(p -> String.valueOf(p.pid())).toList() + ")");

    step("waiting for the mesh to converge");
    boolean converged = waitFor(CONVERGE, () -> {
      for (int i = 1; i <= NODES; i++) {
        String s = status(i);
        if (s == null || !s.contains("health: healthy") || count(s, "\npeer: ") != NODES - 1
            || s.contains("(stray)")) {
          return false;
        }
      }
      return true;
    });
    check(converged, "every node is healthy and has the other " + (NODES - 1) + " as peers");
    if (!converged) {
      dumpLogs();
      return 1;
    }

    step("ping matrix over the pod network (10.244.N.1 on each node's WireGuard interface)");
    System.out.print("          from\\to");
    for (int j = 1; j <= NODES; j++) System.out.printf("  node-%d", j);
    System.out.println();
    boolean allPings = true;
    for (int i = 1; i <= NODES; i++) {
      System.out.printf("          node-%d ", i);
      for (int j = 1; j <= NODES; j++) {
        if (i == j) {
          System.out.print("       -");
          continue;
        }
        boolean ok = ping(i, j);
        allPings &= ok;
        System.out.print(ok ? "      ok" : "    FAIL");
      }
      System.out.println();
    }
    check(allPings, "every node reaches every other node's pod address through the tunnel");

    waitFor(Duration.ofSeconds(5), () -> {
      for (int i = 1; i <= NODES; i++) {
        String s = status(i);
        if (s == null || s.contains("latest handshake: (none)")) return false;
      }
      return true;
    });
    for (int i = 1; i <= NODES; i++) {
      step("status of node-" + i + " (as the agent writes it)");
      System.out.println(indent(status(i)));
    }

    step("deleting node-3 from the API server");
    api.deleteNode("node-3");
    boolean gone = waitFor(Duration.ofSeconds(15), () -> !status(1).contains("(node node-3)")
        && !status(2).contains("(node node-3)") && count(status(1), "\npeer: ") == NODES - 2
        && count(status(2), "\npeer: ") == NODES - 2);
    check(gone, "node-1 and node-2 removed node-3's peer");
    check(ping(1, 2) && ping(2, 1), "node-1 and node-2 still reach each other");
    check(!ping(1, 3), "node-1 no longer reaches node-3 (its peer is gone)");
    boolean noRepairs = true;
    for (int i = 1; i <= NODES; i++) {
      String s = status(i);
      noRepairs &= s != null && s.contains("repairs: 0\n");
    }
    check(noRepairs, "no node's resync found its incrementally kept mesh diverged (repairs: 0)");

    double seconds = (System.nanoTime() - started) / 1e9;
    step(failures == 0 ? "all checks passed in " + String.format("%.1f", seconds) + " s"
        : failures + " check(s) FAILED");
    if (failures > 0) dumpLogs();
    return failures == 0 ? 0 : 1;
  }

  private String status(int node) {
    try {
      Path p = work.resolve("node-" + node + "/ephemeral/clusternet/status.txt");
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (IOException e) {
      return "";
    }
  }

  private boolean ping(int from, int to) {
    try {
      return namespaces.get(from - 1).reaches("10.244." + to + ".1", 3);
    } catch (Exception e) {
      return false;
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }

  private static String indent(String s) {
    return s == null ? "" : s.lines().map(l -> "          " + l)
        .reduce((a, b) -> a + "\n" + b).orElse("");
  }

  private interface Condition {
    boolean test() throws Exception;
  }

  private static boolean waitFor(Duration timeout, Condition c) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (c.test()) return true;
      Thread.sleep(200);
    }
    return c.test();
  }

  private void dumpLogs() {
    for (int i = 1; i <= agents.size(); i++) {
      try {
        System.out.println("---- agent-" + i + ".log (last lines)");
        List<String> lines = Files.readAllLines(work.resolve("agent-" + i + ".log"),
            StandardCharsets.UTF_8);
        List<String> warnings = lines.stream()
            .filter(l -> l.contains(" WARN ") || l.contains(" ERROR ")).toList();
        System.out.println("  (" + warnings.size() + " WARN/ERROR lines, up to 40 shown)");
        warnings.stream().limit(40).forEach(System.out::println);
        System.out.println("  (last lines)");
        lines.subList(Math.max(0, lines.size() - 15), lines.size()).forEach(System.out::println);
      } catch (IOException e) {
        System.out.println("(no log)");
      }
    }
  }

  /** Everything we created, by PID and by name; safe to call twice and from a signal. */
  private synchronized void cleanUp() {
    for (Process p : agents) p.toHandle().destroy(); // SIGTERM: agents stop their wireguard-go
    for (Process p : agents) {
      try {
        if (!p.waitFor(15, TimeUnit.SECONDS)) p.toHandle().destroyForcibly();
      } catch (InterruptedException e) {
        p.toHandle().destroyForcibly();
      }
    }
    agents.clear();
    for (NetworkNamespace ns : namespaces) {
      try {
        ns.close();
      } catch (Exception ignored) {
        // gone already
      }
    }
    namespaces.clear();
    if (underlay != null) {
      try {
        underlay.close();
      } catch (Exception ignored) {
        // gone already
      }
      underlay = null;
    }
    if (api != null) {
      api.close();
      api = null;
    }
    if (work != null) {
      try (Stream<Path> s = Files.walk(work)) {
        s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
      } catch (IOException ignored) {
        // best effort
      }
      work = null;
    }
  }
}
