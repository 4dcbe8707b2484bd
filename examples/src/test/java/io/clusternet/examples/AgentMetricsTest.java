package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.core.ClusterNet;
import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.Underlay;
import io.clusternet.testing.k8s.FakeApiServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's /metrics (issue 14, "Done when"): three agent processes, each managing real
 * wireguard-go in its own network namespace on a shared bridge, watching the test kit's API
 * server; after they converge and pods ping across, each agent's metrics, scraped over HTTP,
 * match what its status file says, and no private key appears in them. Also the flag's errors.
 */
class AgentMetricsTest {
  static final int NODES = 3;
  static final Duration WAIT = Duration.ofSeconds(60);
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));

  @TempDir Path tmp;

  static void await(String what, Duration timeout, BooleanSupplier ok) throws Exception {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
      Thread.sleep(100);
    }
    System.out.printf("%s: %.1f s%n", what, (System.nanoTime() - start) / 1e9);
  }

  HttpResponse<String> get(String url) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10))
        .build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The samples of a scrape: "name{labels}" (labels as rendered) to value. */
  static Map<String, Double> samples(String text) {
    Map<String, Double> m = new HashMap<>();
    for (String line : text.lines().toList()) {
      if (line.startsWith("#") || line.isBlank()) continue;
      int space = line.lastIndexOf(' ');
      m.put(line.substring(0, space), Double.parseDouble(line.substring(space + 1)));
    }
    return m;
  }

  static double value(Map<String, Double> samples, String name) {
    Double v = samples.get(name);
    assertThat(v).as(name + " in " + samples.keySet()).isNotNull();
    return v;
  }

  /** One peer's lines in a status file. */
  record StatusPeer(String node, long handshakeAge, long rx, long tx) {}

  static final Pattern PEER = Pattern.compile("peer: \\S+  \\(node (\\S+)\\)\\n(?:(?!peer: ).*\\n)*?"
      + "  latest handshake: (\\d+) seconds ago\\n  transfer: (\\d+) B received, (\\d+) B sent");

  static List<StatusPeer> statusPeers(String status) {
    List<StatusPeer> peers = new ArrayList<>();
    Matcher m = PEER.matcher(status);
    while (m.find()) {
      peers.add(new StatusPeer(m.group(1), Long.parseLong(m.group(2)), Long.parseLong(m.group(3)),
          Long.parseLong(m.group(4))));
    }
    return peers;
  }

  static long statusNumber(String status, String regex) {
    Matcher m = Pattern.compile(regex).matcher(status);
    assertThat(m.find()).as(regex + " in\n" + status).isTrue();
    return Long.parseLong(m.group(1));
  }

  String read(Path p) {
    try {
      return Files.exists(p) ? Files.readString(p) : "";
    } catch (Exception e) {
      return "";
    }
  }

  @Test
  void threeAgentsServeMetricsThatMatchTheirStatus() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    Prerequisites.require(Prerequisites.onPath("ping"), "ping");
    List<NetworkNamespace> ns = new ArrayList<>();
    List<Process> agents = new ArrayList<>();
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        Underlay underlay = Underlay.create()) {
      Path kubeconfig = tmp.resolve("kubeconfig");
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters: [{name: t, cluster: {server: "%s"}}]
          contexts: [{name: t, context: {cluster: t, user: t}}]
          current-context: t
          users: [{name: t, user: {}}]
          """.formatted(api.url()));
      try {
        for (int i = 0; i < NODES; i++) {
          NetworkNamespace n = NetworkNamespace.create("cnx-n" + i);
          ns.add(n);
          underlay.attach(n, "192.0.2." + (i + 1) + "/24");
          api.createNode("n" + i, "192.0.2." + (i + 1), List.of("10.244." + i + ".0/24"), null);
        }
        // Two nodes that cannot be peers: the metrics count them by reason, as the status lists.
        api.createNode("nokey", "192.0.2.50", List.of("10.244.50.0/24"), Map.of());
        api.createNode("badkey", "192.0.2.51", List.of("10.244.51.0/24"), Map.of(ANN, "x"));
        for (int i = 0; i < NODES; i++) {
          agents.add(ChildJvm.builder(List.of(), NodeAgent.class,
                  "--kubeconfig", kubeconfig.toString(), "--node-name", "n" + i,
                  "--netns", ns.get(i).name(), "--interface", "cx" + tag + "n" + i,
                  "--storage-root", tmp.resolve("n" + i).toString(), "--backend", "userspace",
                  "--interface-address", "10.244." + i + ".1/32",
                  "--cluster-cidr", "10.244.0.0/16", "--resync", "1", "--status-interval", "1",
                  "--log-level", "warn", "--metrics-address", "127.0.0.1:0")
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("agent" + i + ".log").toFile()).start());
        }
        Pattern announced = Pattern.compile("metrics on (http://\\S+/metrics)");
        String[] url = new String[NODES];
        for (int i = 0; i < NODES; i++) {
          int me = i;
          Path log = tmp.resolve("agent" + i + ".log");
          await("agent " + i + " announces its metrics", WAIT, () -> {
            Matcher m = announced.matcher(read(log));
            if (m.find()) url[me] = m.group(1);
            return url[me] != null || !agents.get(me).isAlive();
          });
          assertThat(agents.get(i).isAlive()).as(read(log)).isTrue();
        }
        for (int i = 0; i < NODES; i++) {
          Path status = tmp.resolve("n" + i + "/ephemeral/clusternet/status.txt");
          await("agent " + i + " healthy with its peers", WAIT, () -> {
            String s = read(status);
            return s.contains("health: healthy")
                && s.lines().filter(l -> l.matches("peer: \\S+  \\(node n\\d\\)")).count()
                    == NODES - 1;
          });
        }
        // Traffic through every tunnel: handshakes and bytes to count.
        for (int i = 0; i < NODES; i++) {
          for (int j = 0; j < NODES; j++) {
            if (i != j) {
              assertThat(ns.get(i).reaches("10.244." + j + ".1", 10)).as("%d -> %d", i, j)
                  .isTrue();
            }
          }
        }

        for (int i = 0; i < NODES; i++) {
          Path statusFile = tmp.resolve("n" + i + "/ephemeral/clusternet/status.txt");
          int me = i;
          // The status file is written every second and the meters read a status at most a
          // second old: compare once both show the traffic that has stopped by now.
          String[] text = new String[1];
          String[] status = new String[1];
          await("agent " + i + "'s metrics and status agree", WAIT, () -> {
            try {
              HttpResponse<String> r = get(url[me]);
              text[0] = r.body();
              status[0] = read(statusFile);
              return r.statusCode() == 200 && agree(samples(text[0]), status[0]);
            } catch (Exception e) {
              return false;
            }
          });
          HttpResponse<String> r = get(url[i]);
          assertThat(r.headers().firstValue("Content-Type")).contains(MetricsEndpoint.CONTENT_TYPE);
          Map<String, Double> m = samples(text[0]);
          assertThat(value(m, "clusternet_peers")).isEqualTo(NODES - 1);
          assertThat(value(m, "clusternet_healthy")).isEqualTo(1);
          assertThat(value(m, "clusternet_key_published")).isEqualTo(1);
          assertThat(value(m, "clusternet_informer_synced")).isEqualTo(1);
          assertThat(value(m, "clusternet_excluded_nodes{reason=\"NO_KEY\"}")).isEqualTo(1);
          assertThat(value(m, "clusternet_excluded_nodes{reason=\"BAD_KEY\"}")).isEqualTo(1);
          assertThat(value(m, "clusternet_repairs_total")).isZero();
          assertThat(value(m, "clusternet_reconcile_seconds_count{result=\"success\"}"))
              .isPositive();
          for (StatusPeer p : statusPeers(status[0])) {
            assertThat(p.rx()).isPositive();
            assertThat(value(m, "clusternet_peer_receive_bytes_total{node=\"" + p.node() + "\"}"))
                .isPositive();
          }

          // No key material: not the private key (base64 or hex), not even a public key.
          String privateKey = Files.readString(
              tmp.resolve("n" + i + "/data/kubernetes/clusternet/private.key")).strip();
          assertThat(text[0]).doesNotContain(privateKey)
              .doesNotContain(HexFormat.of().formatHex(Base64.getDecoder().decode(privateKey)));
          Matcher keys = Pattern.compile("(?m)^peer: (\\S+)|public key: (\\S+)").matcher(status[0]);
          while (keys.find()) {
            String key = keys.group(1) != null ? keys.group(1) : keys.group(2);
            assertThat(text[0]).doesNotContain(key);
          }
        }

        // A node that leaves takes its per-peer meters along.
        api.deleteNode("n2");
        await("n2's meters gone from n0's /metrics", WAIT, () -> {
          try {
            String t = get(url[0]).body();
            return !t.contains("node=\"n2\"") && t.contains("node=\"n1\"")
                && t.contains("clusternet_peers 1.0");
          } catch (Exception e) {
            return false;
          }
        });
        assertThat(get(url[0].replace("/metrics", "/other")).statusCode()).isEqualTo(404);
      } finally {
        for (Process p : agents) p.toHandle().destroy();
        for (Process p : agents) {
          if (!p.waitFor(20, TimeUnit.SECONDS)) p.toHandle().destroyForcibly();
          p.waitFor(10, TimeUnit.SECONDS);
        }
        for (NetworkNamespace n : ns) n.close();
      }
    }
  }

  /**
   * Whether the scrape says what the status says: peers, excluded nodes by reason, device
   * writes, repairs, health, and per peer (by node name) the bytes and the handshake age (to the
   * second the status shows, give or take the second between the two readings).
   */
  static boolean agree(Map<String, Double> m, String status) {
    if (!status.contains("health: healthy")) return false;
    List<StatusPeer> peers = statusPeers(status);
    if (m.getOrDefault("clusternet_peers", -1.0) != peers.size()) return false;
    if (m.getOrDefault("clusternet_device_writes_total", -1.0)
        != statusNumber(status, "device writes: (\\d+)")) {
      return false;
    }
    if (m.getOrDefault("clusternet_repairs_total", -1.0)
        != statusNumber(status, "repairs: (\\d+)")) {
      return false;
    }
    for (String reason : List.of("NO_KEY", "BAD_KEY", "NO_ADDRESS", "OWN_KEY")) {
      long listed = status.lines().filter(l -> l.matches("  \\S+: " + reason + " - .*")).count();
      if (m.getOrDefault("clusternet_excluded_nodes{reason=\"" + reason + "\"}", -1.0)
          != listed) {
        return false;
      }
    }
    for (StatusPeer p : peers) {
      String node = "{node=\"" + p.node() + "\"}";
      if (m.getOrDefault("clusternet_peer_receive_bytes_total" + node, -1.0) != p.rx()) {
        return false;
      }
      if (m.getOrDefault("clusternet_peer_transmit_bytes_total" + node, -1.0) != p.tx()) {
        return false;
      }
      double age = m.getOrDefault("clusternet_peer_handshake_age_seconds" + node, Double.NaN);
      if (!(Math.abs(age - p.handshakeAge()) <= 2.0)) return false;
    }
    return true;
  }

  @Test
  void oneServerAnswersHealthAndMetricsWhenTheAddressesAreEqual() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cnx")) {
      Path kubeconfig = tmp.resolve("kubeconfig");
      Files.writeString(kubeconfig, """
          apiVersion: v1
          kind: Config
          clusters: [{name: t, cluster: {server: "%s"}}]
          contexts: [{name: t, context: {cluster: t, user: t}}]
          current-context: t
          users: [{name: t, user: {}}]
          """.formatted(api.url()));
      api.createNode("s1", "192.0.2.1", List.of("10.244.1.0/24"), null);
      Path log = tmp.resolve("shared.log");
      Process agent = ChildJvm.builder(List.of(), NodeAgent.class,
              "--kubeconfig", kubeconfig.toString(), "--node-name", "s1",
              "--netns", ns.name(), "--interface", "cx" + tag + "s", "--backend", "userspace",
              "--storage-root", tmp.resolve("s1").toString(), "--resync", "1",
              "--status-interval", "0", "--log-level", "warn",
              "--health-address", "127.0.0.1:0", "--metrics-address", "127.0.0.1:0")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        Pattern health = Pattern.compile("health endpoints on (http://\\S+) ");
        Pattern metrics = Pattern.compile("metrics on (http://\\S+)/metrics");
        String[] base = new String[2];
        await("both announced", WAIT, () -> {
          Matcher h = health.matcher(read(log));
          Matcher m = metrics.matcher(read(log));
          if (h.find()) base[0] = h.group(1);
          if (m.find()) base[1] = m.group(1);
          return (base[0] != null && base[1] != null) || !agent.isAlive();
        });
        assertThat(agent.isAlive()).as(read(log)).isTrue();
        assertThat(base[1]).isEqualTo(base[0]); // one server, one port
        await("ready, and the metrics say so", WAIT, () -> {
          try {
            return get(base[0] + "/readyz").statusCode() == 200
                && get(base[0] + "/metrics").body().contains("clusternet_healthy 1.0");
          } catch (Exception e) {
            return false;
          }
        });
        assertThat(get(base[0] + "/healthz").body()).isEqualTo("ok\n");
        HttpResponse<String> scrape = get(base[0] + "/metrics");
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.body()).contains("clusternet_peers 0.0")
            .contains("clusternet_key_published 1.0");
      } finally {
        agent.toHandle().destroy();
        if (!agent.waitFor(20, TimeUnit.SECONDS)) agent.toHandle().destroyForcibly();
        agent.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  String runAgent(String... args) throws Exception {
    Process p = ChildJvm.builder(List.of(), NodeAgent.class, args).redirectErrorStream(true)
        .start();
    String out;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      out = String.join("\n", r.lines().toList());
    }
    return p.waitFor() + "\n" + out;
  }

  @Test
  void aBadMetricsAddressIsAUsageErrorNamingTheFlag() throws Exception {
    for (String bad : List.of("localhost:9586", "127.0.0.1", "127.0.0.1:99999", "[::1]")) {
      String out = runAgent("--node-name", "x", "--kubeconfig", tmp.resolve("absent").toString(),
          "--metrics-address", bad);
      assertThat(out).as(bad).startsWith("2\n").contains("error: --metrics-address: ");
    }
  }
}
