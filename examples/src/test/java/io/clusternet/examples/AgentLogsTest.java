package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's logs (issue 14, "Logs"), from a real agent JVM with real wireguard-go in a network
 * namespace: with the API server unreachable, repeated failures cost a line per backoff step (the
 * agent used to print 638 lines in 20 s, and until this test one line per second from
 * client-java's reflector); a clean stop prints no ERROR (client-java's informer threads logged
 * the InterruptedException of every stop at ERROR, with a stack trace); and no wireguard-go log is
 * left in the temporary directory (each start left one in /tmp).
 */
class AgentLogsTest {
  /** How long the agent runs against the unreachable API server. */
  static final Duration UNREACHABLE = Duration.ofSeconds(20);

  @TempDir Path tmp;
  final String iface = "ca" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  NetworkNamespace ns;
  FakeApiServer api;
  Process agent;

  @BeforeEach
  void namespace() throws Exception {
    Prerequisites.requireRoot("network namespaces and wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"),
        "wireguard-go (apt-get install --no-install-recommends wireguard-go)");
    ns = NetworkNamespace.create("cnlog");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (agent != null && agent.isAlive()) {
      agent.toHandle().destroy();
      if (!agent.waitFor(20, TimeUnit.SECONDS)) agent.toHandle().destroyForcibly();
    }
    if (ns != null) ns.close();
    if (api != null) api.close();
  }

  Path kubeconfig(String server) throws IOException {
    Path file = tmp.resolve("kubeconfig");
    Files.writeString(file, """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "%s"}}]
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {}}]
        """.formatted(server));
    return file;
  }

  /** The agent in its own JVM, with its own temporary directory, at --log-level info. */
  Process startAgent(Path kubeconfig, String... more) throws IOException {
    Files.createDirectories(tmp.resolve("jvm-tmp"));
    List<String> args = new ArrayList<>(List.of("--kubeconfig", kubeconfig.toString(),
        "--node-name", "n0", "--netns", ns.name(), "--interface", iface,
        "--storage-root", tmp.resolve("root").toString(), "--backend", "userspace",
        "--log-level", "info"));
    args.addAll(List.of(more));
    ProcessBuilder pb = ChildJvm.builder(List.of(), NodeAgent.class, args.toArray(String[]::new));
    List<String> command = new ArrayList<>(pb.command());
    command.add(1, "-Djava.io.tmpdir=" + tmp.resolve("jvm-tmp"));
    return pb.command(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve("agent.log").toFile()).start();
  }

  /** SIGTERM, as the kubelet and systemd stop it; returns everything the agent printed. */
  List<String> stop() throws Exception {
    agent.toHandle().destroy();
    assertThat(agent.waitFor(30, TimeUnit.SECONDS)).as("the agent stops on SIGTERM").isTrue();
    return Files.readAllLines(tmp.resolve("agent.log"), StandardCharsets.UTF_8);
  }

  void assertNoWireGuardGoLogInTheTemporaryDirectory() throws IOException {
    try (Stream<Path> s = Files.list(tmp.resolve("jvm-tmp"))) {
      assertThat(s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("wireguard-go-"))).isEmpty();
    }
    assertThat(tmp.resolve("root/ephemeral/clusternet/wireguard-go-" + iface + ".log"))
        .as("the daemon's log, under the storage root's ephemeral tree").exists();
  }

  static final Pattern TIME = Pattern.compile("^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} ");
  static final Pattern COUNT_IN_A_ROW =
      Pattern.compile("(\\d+) time\\(s\\) in a row|failure (\\d+) in a row");

  /** Floor of log2(n), plus one: how many powers of two are at most n. */
  static int doublings(long n) {
    return 64 - Long.numberOfLeadingZeros(n);
  }

  @Test
  void anUnreachableApiServerCostsALinePerBackoffStep() throws Exception {
    int port;
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      port = closed.getLocalPort();
    } // closed: connections to it are refused
    agent = startAgent(kubeconfig("http://127.0.0.1:" + port), "--status-interval", "0");
    Thread.sleep(UNREACHABLE.toMillis());
    assertThat(agent.isAlive()).as("the agent keeps running without its API server").isTrue();
    List<String> lines = stop();
    String all = String.join("\n", lines);
    System.out.println("---- agent output (" + lines.size() + " lines)\n" + all);

    // The bound comes from the retry schedules, not from a rate. The fastest loop is
    // client-java's reflector (a fixed 1 s between attempts); the key publisher backs off from
    // 200 ms (-20 % jitter) doubling. Each logs a run of identical failures at 1, 2, 4, ...
    long seconds = UNREACHABLE.getSeconds() + 5; // the JVM's start and stop around the window
    long informerAttempts = seconds + 1;
    long publisherAttempts = 1;
    for (double waited = 0, delay = 0.16; waited + delay <= seconds; delay *= 2) {
      waited += delay;
      publisherAttempts++;
    }
    int failureLines = doublings(informerAttempts) + doublings(publisherAttempts);

    // Every line, with its time stamp and numbers taken out: no message repeats more often than
    // the doubling allows.
    Map<String, Integer> byMessage = new TreeMap<>();
    for (String line : lines) {
      String message = TIME.matcher(line).replaceFirst("").replaceAll("\\d+", "#");
      byMessage.merge(message, 1, Integer::sum);
    }
    assertThat(byMessage).allSatisfy((message, n) -> assertThat(n)
        .as("times this line was printed: %s", message)
        .isLessThanOrEqualTo(doublings(informerAttempts)));

    // The failures that are logged carry their count, a power of two.
    List<String> failures = lines.stream().filter(l -> l.contains(" WARN ")).toList();
    assertThat(failures).isNotEmpty().hasSizeLessThanOrEqualTo(failureLines);
    for (String line : failures) {
      Matcher m = COUNT_IN_A_ROW.matcher(line);
      assertThat(m.find()).as("a count in: %s", line).isTrue();
      long n = Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2));
      assertThat(Long.bitCount(n)).as("a power of two: %s", line).isEqualTo(1);
    }

    // The rest is the start: the key, the backend, the running line.
    List<String> other = lines.stream().filter(l -> !l.contains(" WARN ")).toList();
    assertThat(other).as("lines other than failures").hasSizeLessThanOrEqualTo(8);
    assertThat(all).doesNotContain("ERROR", "Exception\n\tat ", "\tat ");
    assertNoWireGuardGoLogInTheTemporaryDirectory();
  }

  @Test
  void aCleanStopPrintsNoError() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    agent = startAgent(kubeconfig(api.url()), "--status-interval", "1");
    Path status = tmp.resolve("root/ephemeral/clusternet/status.txt");
    long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
    while (!(Files.exists(status) && Files.readString(status).contains("health: healthy"))) {
      assertThat(agent.isAlive()).as("the agent runs").isTrue();
      assertThat(System.nanoTime()).as("the agent becomes healthy").isLessThan(deadline);
      Thread.sleep(100);
    }
    List<String> lines = stop();
    String all = String.join("\n", lines);
    assertThat(lines).as(all).noneMatch(l -> l.contains("ERROR") || l.startsWith("\tat "));
    assertNoWireGuardGoLogInTheTemporaryDirectory();
  }
}
