package io.clusternet.core.k8s;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.Exclusion;
import io.clusternet.testing.k8s.ApiHttp;
import io.clusternet.testing.k8s.KubeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13's node data as a real kube-apiserver (v1.20.2) stores and serves it: which of the
 * forms it accepts at all, and that the service judges what it accepts as the mapper's tests do
 * (link-local InternalIP listed first, unusable ones, a shared InternalIP, over-wide pod CIDRs, an
 * address with a newline), with a status no value can forge a line in.
 */
@Tag(RealApiServers.TAG)
class RealApiServerNodeDataTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;
  static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path tmp;
  KubeApiServer server;
  ClusterNet net;

  @AfterEach
  void stop() throws Exception {
    if (net != null) net.stopAsync().awaitTerminated();
    if (server != null) server.close();
  }

  static String key() {
    return X25519.publicKey(X25519.generatePrivateKey()).toBase64();
  }

  /** Creates a Node with these InternalIPs; returns the status patch's HTTP code. */
  static int createNode(ApiHttp admin, String name, List<String> ips, List<String> cidrs,
      String key) {
    String spec = cidrs.isEmpty() ? "{}" : "{\"podCIDR\":" + json(cidrs.get(0))
        + ",\"podCIDRs\":[" + cidrs.stream().map(RealApiServerNodeDataTest::json)
            .collect(Collectors.joining(",")) + "]}";
    int created = admin.post("/api/v1/nodes", "{\"apiVersion\":\"v1\",\"kind\":\"Node\","
        + "\"metadata\":{\"name\":" + json(name) + ",\"annotations\":{" + json(ANN) + ":"
        + json(key) + "}},\"spec\":" + spec + "}").code();
    if (created / 100 != 2) return created;
    String addresses = ips.stream().map(ip -> "{\"type\":\"InternalIP\",\"address\":" + json(ip)
        + "}").collect(Collectors.joining(","));
    return admin.patch("/api/v1/nodes/" + name + "/status", ApiHttp.MERGE_PATCH,
        "{\"status\":{\"addresses\":[" + addresses + "]}}").code();
  }

  static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.append('"').toString();
  }

  @Test
  void realNodeDataIsJudgedAsTheMapperSays() throws Exception {
    server = KubeApiServer.start(Files.createTempDirectory("clusternet-apiserver-"));
    ApiHttp admin = ApiHttp.of(server.admin());
    assertThat(createNode(admin, "self", List.of("192.0.2.1"), List.of("10.244.0.0/24"), key()))
        .isEqualTo(200);
    String linkLocalFirst = key();
    Map<String, Integer> codes = new LinkedHashMap<>();
    codes.put("ll-first", createNode(admin, "ll-first", List.of("169.254.1.10", "198.51.100.11"),
        List.of("10.244.1.0/24"), linkLocalFirst));
    codes.put("loopback", createNode(admin, "loopback", List.of("127.0.0.1"),
        List.of("10.244.2.0/24"), key()));
    codes.put("multicast", createNode(admin, "multicast", List.of("224.0.0.5"),
        List.of("10.244.3.0/24"), key()));
    codes.put("older-twin", createNode(admin, "older-twin", List.of("192.0.2.15"),
        List.of("10.244.4.0/24"), key()));
    Thread.sleep(1100); // creation timestamps have whole seconds: the twins must differ
    codes.put("newer-twin", createNode(admin, "newer-twin", List.of("192.0.2.15"),
        List.of("10.244.5.0/24"), key()));
    // v1.20 without the IPv6DualStack gate keeps only the first pod CIDR: single-stack claims.
    codes.put("all-v6", createNode(admin, "all-v6", List.of("192.0.2.20"), List.of("::/0"),
        key()));
    codes.put("service-net", createNode(admin, "service-net", List.of("192.0.2.21"),
        List.of("10.96.0.0/12"), key()));
    String later = key();
    codes.put("later-v6", createNode(admin, "later-v6", List.of("192.0.2.22"),
        List.of("fd00:7::/64"), later));
    codes.put("forger", createNode(admin, "forger", List.of("192.0.2.23\n  health: healthy"),
        List.of("10.244.8.0/24"), key()));
    // What v1.20.2 accepts: every one of these (it validates pod CIDRs as CIDRs, and Node
    // addresses not at all), so the agent must judge them.
    assertThat(codes).allSatisfy((name, code) -> assertThat(code).as(name).isEqualTo(200));

    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    net = ClusterNet.builder()
        .nodeName("self")
        .kubernetes(RealApiServers.client(server.admin()))
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .build();
    net.startAsync().awaitRunning();
    Map<String, Exclusion.Reason> want = Map.of(
        "loopback", Exclusion.Reason.NO_ADDRESS, "multicast", Exclusion.Reason.NO_ADDRESS,
        "newer-twin", Exclusion.Reason.DUPLICATE_ENDPOINT,
        "all-v6", Exclusion.Reason.BAD_PREFIX, "service-net", Exclusion.Reason.BAD_PREFIX,
        "forger", Exclusion.Reason.NO_ADDRESS);
    try {
      await("the nodes judged", WAIT, () -> net.status().excluded().stream()
          .collect(Collectors.toMap(Exclusion::nodeName, Exclusion::reason)).equals(want)
          && wg.device("clusternet").orElseThrow().peers().size() == 3);
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + "; status:\n" + net.status().format(), e);
    }
    ClusterNetStatus status = net.status();
    assertThat(status.peers()).extracting(p -> p.nodeName().orElse("stray"))
        .containsExactlyInAnyOrder("ll-first", "older-twin", "later-v6");
    assertThat(wg.device("clusternet").orElseThrow().peer(PublicKey.fromBase64(linkLocalFirst))
        .orElseThrow().endpoint().orElseThrow().toString()).isEqualTo("198.51.100.11:51820");
    assertThat(wg.device("clusternet").orElseThrow().peer(PublicKey.fromBase64(later))
        .orElseThrow().allowedIps()).extracting(Object::toString)
        .containsExactly("fd00:7::/64"); // the ::/0 claim of an older node took nothing
    String text = status.format();
    assertThat(text.lines().filter(l -> l.strip().startsWith("health:")).count()).as(text)
        .isEqualTo(1);
    assertThat(text).contains("forger: NO_ADDRESS - no usable InternalIP (PREFER_IPV4) among "
        + "[\"192.0.2.23\\n  health: healthy\" (not an IP address)]");
  }
}
