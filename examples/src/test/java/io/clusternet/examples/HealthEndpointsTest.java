package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.common.util.concurrent.Service;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.testing.ChildJvm;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.util.ClientBuilder;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent's /healthz and /readyz: a real agent process (real wireguard-go in a network
 * namespace, the fake API server) answering over HTTP before and after its key is published; a
 * real service that failed at start answering 503 with the reason; the answers' texts; the flag.
 */
class HealthEndpointsTest {
  static final Duration WAIT = Duration.ofSeconds(40);
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));

  @TempDir Path tmp;

  record Reply(int code, String body) {}

  Reply get(String base, String path) throws Exception {
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
    return new Reply(r.statusCode(), r.body());
  }

  static void await(String what, Duration timeout, BooleanSupplier ok) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!ok.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out: " + what);
      Thread.sleep(100);
    }
  }

  Path kubeconfig(FakeApiServer api) throws Exception {
    Path p = tmp.resolve("kubeconfig");
    Files.writeString(p, """
        apiVersion: v1
        kind: Config
        clusters: [{name: t, cluster: {server: "%s"}}]
        contexts: [{name: t, context: {cluster: t, user: t}}]
        current-context: t
        users: [{name: t, user: {}}]
        """.formatted(api.url()));
    return p;
  }

  @Test
  void aRealAgentIsLiveAndNotReadyUntilItsKeyIsPublishedThenReady() throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cnh")) {
      Path log = tmp.resolve("agent.log");
      // Node h1 does not exist yet: the agent runs but cannot publish its key.
      Process agent = ChildJvm.builder(List.of(), NodeAgent.class,
              "--kubeconfig", kubeconfig(api).toString(), "--node-name", "h1",
              "--netns", ns.name(), "--interface", "ch" + tag, "--backend", "userspace",
              "--storage-root", tmp.resolve("root").toString(), "--resync", "1",
              "--status-interval", "0", "--log-level", "warn",
              "--health-address", "127.0.0.1:0")
          .redirectErrorStream(true).redirectOutput(log.toFile()).start();
      try {
        Pattern announced = Pattern.compile("health endpoints on (http://\\S+) ");
        String[] base = new String[1];
        await("the health endpoints are announced", WAIT, () -> {
          try {
            Matcher m = announced.matcher(Files.readString(log));
            if (m.find()) base[0] = m.group(1);
          } catch (Exception e) {
            // not yet
          }
          return base[0] != null || !agent.isAlive();
        });
        assertThat(agent.isAlive()).as(Files.readString(log)).isTrue();

        Reply[] ready = new Reply[1];
        await("running without its key published", WAIT, () -> {
          try {
            ready[0] = get(base[0], "/readyz");
            // Only the key is missing: the service runs, the informer synced, the device is up.
            return ready[0].body().startsWith("not ready: public key not published");
          } catch (Exception e) {
            return false;
          }
        });
        assertThat(ready[0].code()).isEqualTo(503);
        assertThat(ready[0].body()).startsWith("not ready: ").endsWith("\n")
            .containsOnlyOnce("\n");
        assertThat(get(base[0], "/healthz")).isEqualTo(new Reply(200, "ok\n"));

        api.createNode("h1", "192.0.2.1", List.of("10.244.1.0/24"), null);
        await("ready once the key is published", WAIT, () -> {
          try {
            return get(base[0], "/readyz").code() == 200;
          } catch (Exception e) {
            return false;
          }
        });
        assertThat(get(base[0], "/readyz")).isEqualTo(new Reply(200, "ok\n"));
        assertThat(get(base[0], "/healthz")).isEqualTo(new Reply(200, "ok\n"));
        assertThat(get(base[0], "/metrics").code()).isEqualTo(404);
        assertThat(api.nodeAnnotation("h1", ClusterNet.DEFAULT_ANNOTATION)).isNotNull();
      } finally {
        agent.toHandle().destroy();
        if (!agent.waitFor(20, TimeUnit.SECONDS)) agent.toHandle().destroyForcibly();
        agent.waitFor(10, TimeUnit.SECONDS);
      }
    }
  }

  @Test
  void aServiceThatFailedIsNotLiveAndSaysWhy() throws Exception {
    Prerequisites.requireRoot("network namespaces");
    try (FakeApiServer api = FakeApiServer.startOnRandomPort();
        NetworkNamespace ns = NetworkNamespace.create("cnh");
        NetlinkLinkBackend link = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()))) {
      Path root = tmp.resolve("corrupt");
      Path key = root.resolve("data/kubernetes/clusternet/private.key");
      Files.createDirectories(key.getParent());
      Files.write(key, new byte[44]);
      ClusterNet net = ClusterNet.builder().nodeName("h2")
          .kubernetes(new ClientBuilder().setBasePath(api.url()).build()).storageRoot(root)
          .interfaceName("ch" + tag + "f")
          .userspace(WireGuardGoProcess.builder("ch" + tag + "f").networkNamespace(ns.name()))
          .linkBackend(link).build();
      try (HealthEndpoints endpoints =
          HealthEndpoints.start(new InetSocketAddress("127.0.0.1", 0), net)) {
        String base = "http://127.0.0.1:" + endpoints.address().getPort();
        net.startAsync();
        try {
          net.awaitRunning();
        } catch (IllegalStateException expected) {
          // FAILED
        }
        assertThat(net.state()).isEqualTo(Service.State.FAILED);
        Reply live = get(base, "/healthz");
        assertThat(live.code()).isEqualTo(503);
        assertThat(live.body()).startsWith("failed: StorageException: ").endsWith("\n")
            .containsOnlyOnce("\n").contains(key.toString());
        Reply ready = get(base, "/readyz");
        assertThat(ready.code()).isEqualTo(503);
        assertThat(ready.body()).startsWith("not ready: service FAILED");
      }
    }
  }

  @Test
  void answersAreOneEscapedLine() {
    ClusterNetStatus.Health notReady = new ClusterNetStatus.Health(true, false, true, false,
        Optional.of("node \"x\nhealth: healthy\u001b[2J\" is odd"));
    HealthEndpoints.Answer a = HealthEndpoints.readiness(Service.State.RUNNING, notReady);
    assertThat(a.code()).isEqualTo(503);
    assertThat(a.body()).isEqualTo("not ready: node informer not synced, public key not "
        + "published; last error: node \"x\\nhealth: healthy\\u001b[2J\" is odd");
    assertThat(HealthEndpoints.readiness(Service.State.RUNNING,
        new ClusterNetStatus.Health(true, true, true, true, Optional.empty())))
        .isEqualTo(new HealthEndpoints.Answer(200, "ok"));
    assertThat(HealthEndpoints.readiness(Service.State.STARTING,
        new ClusterNetStatus.Health(false, false, false, false, Optional.empty())).body())
        .isEqualTo("not ready: service STARTING, node informer not synced, device not up, "
            + "public key not published");
    assertThat(HealthEndpoints.liveness(Service.State.FAILED,
        () -> Optional.of(new IllegalStateException("gone\nfor good"))))
        .isEqualTo(new HealthEndpoints.Answer(503, "failed: IllegalStateException: gone\\nfor good"));
    assertThat(HealthEndpoints.liveness(Service.State.STOPPING, Optional::empty).code())
        .isEqualTo(503);
    assertThat(HealthEndpoints.liveness(Service.State.RUNNING, Optional::empty))
        .isEqualTo(new HealthEndpoints.Answer(200, "ok"));
    assertThat(HealthEndpoints.liveness(Service.State.STARTING, Optional::empty).code())
        .isEqualTo(200);
  }

  @Test
  void theAddressFlagParses() {
    assertThat(HealthEndpoints.parseAddress("off")).isEmpty();
    assertThat(HealthEndpoints.parseAddress("127.0.0.1:9473"))
        .contains(new InetSocketAddress("127.0.0.1", 9473));
    assertThat(HealthEndpoints.parseAddress("[::1]:0"))
        .contains(new InetSocketAddress("::1", 0));
    for (String bad : List.of("", "9473", ":9473", "localhost:9473", "127.0.0.1:70000",
        "127.0.0.1:x", "::1:9473", "300.0.0.1:1", "127.0.0.1")) {
      assertThatThrownBy(() -> HealthEndpoints.parseAddress(bad)).as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }

  @Test
  void aBadAddressIsAUsageErrorNamingTheFlag() throws Exception {
    Process p = ChildJvm.builder(List.of(), NodeAgent.class, "--node-name", "x",
        "--kubeconfig", tmp.resolve("absent").toString(), "--health-address", "localhost:80")
        .redirectErrorStream(true).start();
    String out;
    try (BufferedReader r = new BufferedReader(
        new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
      out = String.join("\n", r.lines().toList());
    }
    assertThat(p.waitFor()).as(out).isEqualTo(2);
    assertThat(out).contains("error: --health-address: the host must be an IP address");
  }
}
