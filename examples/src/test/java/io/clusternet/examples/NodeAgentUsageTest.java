package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's command line: every bad flag value is a usage error (exit 2) naming the flag,
 * found before anything is read or started; unusable kubeconfigs get a clear message without
 * their content; {@code demo --help} prints help; SIGTERM is a clean stop with exit 0, and
 * {@code --keep-on-stop} leaves the interface in place.
 */
class NodeAgentUsageTest {
  @TempDir Path tmp;
  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));

  record Run(int code, String out, String err) {}

  /** Runs the agent in this JVM (only for cases that end before anything starts). */
  static synchronized Run agent(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      code = NodeAgent.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  Run agentWith(String flag, String value) {
    // A kubeconfig that does not exist: a flag error must come first, before it is read.
    return agent("--node-name", "n", "--kubeconfig", tmp.resolve("absent").toString(),
        flag, value);
  }

  @Test
  void everyBadFlagValueIsAUsageErrorNamingTheFlag() {
    List<List<String>> cases = List.of(
        List.of("--keepalive", "-1", "--keepalive: must be 0 to 65535, not -1"),
        List.of("--keepalive", "70000", "--keepalive: must be 0 to 65535"),
        List.of("--listen-port", "0", "--listen-port: must be 1 to 65535, not 0"),
        List.of("--listen-port", "abc", "'--listen-port'"),
        List.of("--mtu", "100", "--mtu: must be 1280 to 65535, not 100"),
        List.of("--resync", "0", "--resync: must be 1 to 86400, not 0"),
        List.of("--status-interval", "-5", "--status-interval: must be 0 to 86400"),
        List.of("--interface", "sixteen-chars-xx", "--interface: must be 1 to 15"),
        List.of("--interface", "a/b", "--interface: must be 1 to 15"),
        List.of("--backend", "fast", "--backend: must be auto, kernel or userspace"),
        List.of("--cluster-cidr", "10.0.0.0/33", "--cluster-cidr: "),
        List.of("--interface-address", "nonsense", "--interface-address: "),
        List.of("--min-pod-cidr-length", "40,48", "--min-pod-cidr-length (IPv4): must be 1 to 32"),
        List.of("--min-pod-cidr-length", "16", "--min-pod-cidr-length: takes two lengths"),
        List.of("--log-level", "loud", "--log-level: must be error, warn, info, debug or trace"),
        List.of("--health-address", "localhost:1", "--health-address: the host must be an IP"),
        List.of("--annotation", " ", "--annotation: must not be empty"),
        List.of("--node-name", " ", "--node-name: must not be empty"),
        List.of("--in-cluster", "--in-cluster", "--in-cluster: choose --in-cluster or "
            + "--kubeconfig"));
    List<String> failures = new ArrayList<>();
    for (List<String> c : cases) {
      Run r = c.get(0).equals("--in-cluster") ? agent("--in-cluster", "--kubeconfig", "x")
          : c.get(0).equals("--node-name") ? agent("--node-name", c.get(1), "--kubeconfig", "x")
          : agentWith(c.get(0), c.get(1));
      if (r.code() != 2 || !r.err().contains(c.get(2)) || r.err().contains("Exception")) {
        failures.add(c + " -> exit " + r.code() + ": " + r.err());
      }
    }
    assertThat(failures).isEmpty();
  }

  @Test
  void unusableKubeconfigsAreUsageErrorsThatShowNoCredentials() throws Exception {
    String secret = "c2VjcmV0LXRva2VuLWRvLW5vdC1wcmludA";
    Path empty = Files.writeString(tmp.resolve("empty"), "");
    Path blank = Files.writeString(tmp.resolve("blank"), "\n  \n");
    Path broken = Files.writeString(tmp.resolve("broken"), """
        apiVersion: v1
        users: [{name: t, user: {token: %s}}]
          clusters: : [
        """.formatted(secret));
    Path noContext = Files.writeString(tmp.resolve("no-context"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "http://127.0.0.1:1"}}]
        users: [{name: t, user: {token: %s}}]
        """.formatted(secret));
    Path noServer = Files.writeString(tmp.resolve("no-server"), """
        apiVersion: v1
        kind: Config
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {token: %s}}]
        """.formatted(secret));
    List<List<String>> cases = List.of(
        List.of(empty.toString(), "--kubeconfig " + empty + ": is empty, not a kubeconfig"),
        List.of(blank.toString(), "--kubeconfig " + blank + ": is empty, not a kubeconfig"),
        List.of(broken.toString(), "--kubeconfig " + broken
            + ": not a kubeconfig: invalid YAML at line 3"),
        List.of(noContext.toString(), "--kubeconfig " + noContext
            + ": not a usable kubeconfig: no current-context"),
        List.of(noServer.toString(), "--kubeconfig " + noServer
            + ": not a usable kubeconfig: no cluster server for context \"t\""),
        List.of(tmp.resolve("absent").toString(), "--kubeconfig " + tmp.resolve("absent")
            + ": no such file"));
    List<String> failures = new ArrayList<>();
    for (List<String> c : cases) {
      Run r = agent("--node-name", "n", "--kubeconfig", c.get(0),
          "--storage-root", tmp.resolve("root").toString());
      if (r.code() != 2 || !r.err().contains("error: " + c.get(1))
          || r.err().contains(secret) || r.err().contains("NullPointerException")) {
        failures.add(c + " -> exit " + r.code() + ": " + r.err());
      }
    }
    assertThat(failures).isEmpty();
    // Nothing was started or written.
    assertThat(tmp.resolve("root")).doesNotExist();
  }

  /** The demo moved to its own jar (issue 14): the agent jar's demo command says where. */
  @Test
  void theDemoCommandSaysWhereTheDemoIs() throws Exception {
    Process p = ChildJvm.builder(List.of(), Main.class, "demo", "--help")
        .redirectErrorStream(true).start();
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.exitValue()).as(out).isZero();
    assertThat(out).contains("clusternet-demo.jar", "./run-demo");

    Process bare = ChildJvm.builder(List.of(), Main.class, "demo")
        .redirectErrorStream(true).start();
    assertThat(bare.waitFor(60, TimeUnit.SECONDS)).isTrue();
    String bareOut = new String(bare.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(bare.exitValue()).as(bareOut).isEqualTo(2);
    assertThat(bareOut).contains("clusternet-demo.jar").doesNotContain("started");
  }

  static void await(String what, Duration timeout, BooleanSupplier ok) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
      Thread.sleep(100);
    }
  }

  /** Starts an agent for node n1 in {@code ns}, waits until it runs, SIGTERMs it. */
  int runAndTerminate(FakeApiServer api, NetworkNamespace ns, String iface, boolean keep)
      throws Exception {
    Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "%s"}}]
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {}}]
        """.formatted(api.url()));
    Path log = tmp.resolve("agent-" + iface + ".log");
    List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString(),
        "--node-name", "n1", "--netns", ns.name(), "--interface", iface,
        "--backend", "userspace", "--storage-root", tmp.resolve("root").toString(),
        "--interface-address", "10.244.1.1/32", "--cluster-cidr", "10.244.0.0/16",
        "--status-interval", "0",
        "--log-level", "warn"));
    if (keep) args.add("--keep-on-stop");
    Process agent = ChildJvm.builder(List.of(), NodeAgent.class, args.toArray(String[]::new))
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    try {
      await("the agent runs", Duration.ofSeconds(60), () -> {
        try {
          return Files.readString(log).contains("clusternet running") || !agent.isAlive();
        } catch (Exception e) {
          return false;
        }
      });
      assertThat(ns.ip("link", "show", iface)).contains(iface);
      agent.toHandle().destroy(); // SIGTERM
      assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as(Files.readString(log)).isTrue();
      return agent.exitValue();
    } finally {
      if (agent.isAlive()) {
        agent.toHandle().destroyForcibly();
        agent.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void sigtermIsACleanStopWithExitZeroAndKeepOnStopLeavesTheInterface() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cnu")) {
      api.createNode("n1", "192.0.2.1", List.of("10.244.1.0/24"), null);
      String plain = "cu" + tag + "a";
      assertThat(runAndTerminate(api, ns, plain, false)).isZero();
      assertThat(ns.exec("ip", "link", "show", plain).exitCode()).isNotZero();

      String kept = "cu" + tag + "k";
      try {
        assertThat(runAndTerminate(api, ns, kept, true)).isZero();
        assertThat(ns.ip("link", "show", kept)).contains(kept).contains("UP");
        assertThat(ns.ip("addr", "show", "dev", kept)).contains("10.244.1.1/32");
        assertThat(ns.ip("route", "show", "dev", kept)).contains("10.244.0.0/16");
      } finally {
        // wireguard-go ends when its TUN device is deleted.
        ns.exec("ip", "link", "del", kept);
        await("the kept interface's socket is gone", Duration.ofSeconds(20),
            () -> !Files.exists(Path.of("/var/run/wireguard", kept + ".sock")));
      }
    }
  }

  /** --dry-run prints the plan and exits 0; no key file, no interface, no annotation. */
  @Test
  void dryRunPrintsThePlanAndChangesNothing() throws Exception {
    Prerequisites.requireRoot("network namespaces, rtnetlink");
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cnd")) {
      api.createNode("n1", "192.0.2.1", List.of("10.244.1.0/24"), null);
      String peerKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
      api.createNode("n2", "192.0.2.2", List.of("10.244.2.0/24"),
          java.util.Map.of("clusternet.io/wireguard-public-key", peerKey));
      api.createNode("n3", "192.0.2.3", List.of("10.244.3.0/24"), null);
      Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters: [{name: t, cluster: {server: "%s"}}]
          contexts: [{name: t, context: {cluster: t, user: t}}]
          current-context: t
          users: [{name: t, user: {}}]
          """.formatted(api.url()));
      String iface = "cd" + tag + "a";
      Path root = tmp.resolve("root");
      Run r = agent("--kubeconfig", kubeconfig.toString(), "--node-name", "n1", "--netns",
          ns.name(), "--interface", iface, "--backend", "userspace", "--storage-root",
          root.toString(), "--cluster-cidr", "10.244.0.0/16", "--dry-run");
      assertThat(r.code()).as(r.out() + r.err()).isZero();
      assertThat(r.out()).contains("dry run for node n1, interface " + iface
              + " (does not exist yet", "no key file yet", "nodes listed: 3",
          "1 to add, 0 to update, 0 to remove", "add " + peerKey + " for node n2",
          "n3: NO_KEY");
      assertThat(root).doesNotExist();
      assertThat(ns.exec("ip", "link", "show", iface).exitCode()).isNotZero();
      assertThat(api.nodeAnnotation("n1", "clusternet.io/wireguard-public-key")).isNull();
    }
  }

  static Run status(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    int code;
    try {
      System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
      code = StatusCommand.run(args);
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
    return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
  }

  /** The status command shows a running agent's status, as text and as JSON. */
  @Test
  void statusShowsTheRunningAgentsViewAsTextAndJson() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    Path root = tmp.resolve("root");
    assertThat(status("--storage-root", root.toString()).code()).isEqualTo(1);
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cns")) {
      api.createNode("n1", "192.0.2.1", List.of("10.244.1.0/24"), null);
      String peerKey = "xTIBA5rboUvnH4htodjb6e697QjLERt1NAB4mZqp8Dg=";
      api.createNode("n2", "192.0.2.2", List.of("10.244.2.0/24"),
          java.util.Map.of("clusternet.io/wireguard-public-key", peerKey));
      api.createNode("n3\nhealth: healthy", "192.0.2.3", List.of("10.244.3.0/24"), null);
      Path kubeconfig = Files.writeString(tmp.resolve("kubeconfig"), """
          apiVersion: v1
          kind: Config
          clusters: [{name: t, cluster: {server: "%s"}}]
          contexts: [{name: t, context: {cluster: t, user: t}}]
          current-context: t
          users: [{name: t, user: {}}]
          """.formatted(api.url()));
      String iface = "cs" + tag + "a";
      Path log = tmp.resolve("agent.log");
      Process agent = ChildJvm.builder(List.of(), NodeAgent.class, "--kubeconfig",
              kubeconfig.toString(), "--node-name", "n1", "--netns", ns.name(), "--interface",
              iface, "--backend", "userspace", "--storage-root", root.toString(),
              "--cluster-cidr", "10.244.0.0/16", "--status-interval", "1", "--log-level", "warn")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        await("a status with n2 as a peer", Duration.ofSeconds(60), () -> {
          Run r = status("--storage-root", root.toString());
          return (r.code() == 0 && r.out().contains("(node n2)")) || !agent.isAlive();
        });
        Run text = status("--storage-root", root.toString());
        assertThat(text.code()).as(Files.readString(log)).isZero();
        assertThat(text.out()).contains("node: n1  interface: " + iface, "peer: " + peerKey,
            "allowed ips: 10.244.2.0/24", "excluded nodes:", "NO_KEY", "s ago by the agent");
        assertThat(text.out().lines().filter(l -> l.strip().startsWith("health:")).count())
            .isEqualTo(1);
        Run json = status("--storage-root", root.toString(), "--json");
        assertThat(json.code()).isZero();
        com.google.gson.JsonObject o = com.google.gson.JsonParser.parseString(json.out())
            .getAsJsonObject();
        assertThat(o.get("node").getAsString()).isEqualTo("n1");
        assertThat(o.getAsJsonArray("peers").get(0).getAsJsonObject().get("node").getAsString())
            .isEqualTo("n2");
        assertThat(o.getAsJsonArray("excluded").get(0).getAsJsonObject().get("node")
            .getAsString()).isEqualTo("n3\nhealth: healthy");
        assertThat(o.getAsJsonArray("excluded").get(0).getAsJsonObject().get("reason")
            .getAsString()).isEqualTo("NO_KEY");
        String privateKey = Files.readString(root.resolve("data/kubernetes/clusternet/private.key"))
            .strip();
        assertThat(text.out() + json.out()).doesNotContain(privateKey);
      } finally {
        agent.toHandle().destroy();
        if (!agent.waitFor(30, TimeUnit.SECONDS)) {
          agent.toHandle().destroyForcibly();
          agent.waitFor(10, TimeUnit.SECONDS);
        }
      }
    }
  }
}
