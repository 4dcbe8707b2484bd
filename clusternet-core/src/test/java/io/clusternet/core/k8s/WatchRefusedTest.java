package io.clusternet.core.k8s;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 bug 6: RBAC that allows listing Nodes but not watching them. The informer relists
 * every second and used to report healthy. Now health says what fails, and once watching is
 * allowed again it says healthy (no stale error). A small front before the test kit's API server
 * answers watches with 403 while told to, and forwards everything else (watches streamed).
 */
class WatchRefusedTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;

  @TempDir Path tmp;
  FakeApiServer api;
  HttpServer front;
  ClusterNet net;
  final AtomicBoolean refuseWatch = new AtomicBoolean(true);
  final AtomicInteger refused = new AtomicInteger();
  final HttpClient http = HttpClient.newHttpClient();

  @AfterEach
  void tearDown() {
    if (net != null) net.stopAsync().awaitTerminated();
    if (front != null) front.stop(0);
    if (api != null) api.close();
  }

  void forward(HttpExchange ex) throws java.io.IOException {
    try (ex) {
      String query = ex.getRequestURI().getRawQuery();
      boolean watch = query != null && query.contains("watch=true");
      if (watch && refuseWatch.get()) {
        refused.incrementAndGet();
        byte[] body = ("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
            + "\"message\":\"nodes is forbidden: User \\\"agent\\\" cannot watch resource "
            + "\\\"nodes\\\"\",\"reason\":\"Forbidden\",\"code\":403}")
            .getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Content-Type", "application/json");
        ex.sendResponseHeaders(403, body.length);
        ex.getResponseBody().write(body);
        return;
      }
      byte[] in = ex.getRequestBody().readAllBytes();
      HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(api.url()
          + ex.getRequestURI().getRawPath() + (query == null ? "" : "?" + query)))
          .method(ex.getRequestMethod(), in.length == 0 ? HttpRequest.BodyPublishers.noBody()
              : HttpRequest.BodyPublishers.ofByteArray(in));
      String type = ex.getRequestHeaders().getFirst("Content-Type");
      if (type != null) req.header("Content-Type", type);
      HttpResponse<InputStream> resp = http.send(req.build(),
          HttpResponse.BodyHandlers.ofInputStream());
      resp.headers().firstValue("Content-Type")
          .ifPresent(t -> ex.getResponseHeaders().add("Content-Type", t));
      ex.sendResponseHeaders(resp.statusCode(), 0); // chunked: watches stream
      try (InputStream body = resp.body(); OutputStream out = ex.getResponseBody()) {
        byte[] buf = new byte[8192];
        for (int n; (n = body.read(buf)) > 0; ) {
          out.write(buf, 0, n);
          out.flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (java.io.IOException closedByClient) {
      // a watch the informer closed
    }
  }

  @Test
  void aRefusedWatchMakesHealthSaySoAndItClearsWhenAllowed() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()));
    front = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 50);
    front.setExecutor(Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "front");
      t.setDaemon(true);
      return t;
    }));
    front.createContext("/", this::forward);
    front.start();
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder()
            .setBasePath("http://127.0.0.1:" + front.getAddress().getPort()).build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .resyncPeriod(Duration.ofSeconds(1))
        .build();
    net.startAsync().awaitRunning();

    await("n1 is a peer (the list works)", Duration.ofSeconds(30), () -> peers(wg).size() == 1);
    await("health says watching fails", Duration.ofSeconds(30), () -> {
      ClusterNetStatus.Health h = net.health();
      return !h.isHealthy() && !h.informerSynced()
          && h.lastError().filter(e -> e.contains("403")).isPresent();
    });
    assertThat(refused.get()).isPositive();

    refuseWatch.set(false);
    await("healthy again, no stale error", Duration.ofSeconds(40), () -> {
      ClusterNetStatus.Health h = net.health();
      return h.isHealthy() && h.lastError().isEmpty();
    });
    api.createNode("n2", "192.0.2.3", List.of("10.244.2.0/24"),
        Map.of(ANN, X25519.publicKey(X25519.generatePrivateKey()).toBase64()));
    await("n2 arrives by the watch", Duration.ofSeconds(30), () -> peers(wg).size() == 2);
  }

  static Set<String> peers(FakeWireGuardBackend wg) {
    return wg.device("clusternet").orElseThrow().peers().stream()
        .map(PeerState::publicKey).map(Object::toString).collect(Collectors.toSet());
  }
}
