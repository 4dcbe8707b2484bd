package io.clusternet.core.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11 item 3's kind ("every API call has a deadline"), for the node watch. The network
 * between the agent and the API server loses its state (a NAT or load balancer forgets the
 * connection, the API server's host is cut off and comes back): the established connections go
 * silent (nothing arrives, nothing is refused) while new connections work again.
 *
 * <p>Found by the breaker session: the informer's client must have read timeout 0 (checked in
 * InformerNodeSource) and nothing else bounds a silent watch, so after the connections went silent
 * a node created on the API server never became a peer: not within 60 s at a 500 ms resync (1 of
 * 1 runs, load average about 15), while {@code health()} stayed healthy. The resync recomputes
 * from the informer's cache, which is stale for as long as the watch hangs (on a real API server
 * until its watch timeout closes a connection the client no longer hears, i.e. never).
 *
 * <p>Fixed: every watch call has a deadline of the watch timeout (which the server is asked to
 * keep) plus 15 s, and every list call one of 60 s; a cut call makes the informer list and watch
 * anew over a new connection. A first attempt set the deadline on the call a CallGenerator
 * returns; client-java 27's SharedInformerFactory makes a new Call from that call's request for
 * every watch, so the deadline was lost and the watch hung in a socket read (jstack); hence our
 * own ListerWatcher. From the cut until a list succeeds health() says the watch got no answer.
 */
class SilentApiConnectionTest {
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;

  @TempDir Path tmp;
  FakeApiServer api;
  SilencingProxy proxy;
  ClusterNet net;

  @AfterEach
  void tearDown() throws Exception {
    if (net != null) net.stopAsync().awaitTerminated();
    if (proxy != null) proxy.close();
    if (api != null) api.close();
  }

  @Test
  void aWatchWhoseConnectionWentSilentIsNoticedAndTheNewNodeBecomesAPeer() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    URI target = URI.create(api.url());
    proxy = new SilencingProxy(new InetSocketAddress(target.getHost(), target.getPort()));
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    String k1 = ClusterNetWithApiServerTest.newKey();
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, k1));
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:" + proxy.port()).build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .resyncPeriod(Duration.ofMillis(500))
        .watchTimeout(Duration.ofSeconds(10)) // noticed within 10 + 15 s
        .build();
    net.startAsync().awaitRunning();
    io.clusternet.core.Eventually.await("n1 a peer, healthy", Duration.ofSeconds(30),
        () -> peers(wg).contains(ClusterNetWithApiServerTest.key(k1)) && net.health().isHealthy());

    proxy.silenceEstablished(); // every connection open now goes silent; new ones work
    String k2 = ClusterNetWithApiServerTest.newKey();
    api.createNode("n2", "192.0.2.3", List.of("10.244.2.0/24"), Map.of(ANN, k2));

    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (System.nanoTime() < deadline && !peers(wg).contains(PublicKey.fromBase64(k2))) {
      Thread.sleep(200);
    }
    assertThat(peers(wg))
        .as("peers 60 s after the watch's connection went silent and n2 was created; health: "
            + net.health())
        .contains(PublicKey.fromBase64(k2));
  }

  @Test
  void whileTheNodesAreStaleHealthSaysSo() throws Exception {
    api = FakeApiServer.startOnRandomPort();
    URI target = URI.create(api.url());
    proxy = new SilencingProxy(new InetSocketAddress(target.getHost(), target.getPort()));
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("clusternet");
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    String k1 = ClusterNetWithApiServerTest.newKey();
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, k1));
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:" + proxy.port()).build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .resyncPeriod(Duration.ofMillis(500))
        .watchTimeout(Duration.ofSeconds(1)) // a silent watch is cut after 1 + 15 s
        .build();
    net.startAsync().awaitRunning();
    io.clusternet.core.Eventually.await("n1 a peer, healthy", Duration.ofSeconds(30),
        () -> peers(wg).contains(ClusterNetWithApiServerTest.key(k1)) && net.health().isHealthy());

    // Every connection, open or new, goes silent: the cut watch's relist hangs too (up to 60 s).
    proxy.silenceAll();
    io.clusternet.core.Eventually.await("health says the node watch gets no answer",
        Duration.ofSeconds(40),
        () -> !net.health().informerSynced()
            && net.health().lastError().orElse("").contains("node watch: no answer within 16 s"));
    assertThat(net.health().isHealthy()).isFalse();
  }

  private static Set<PublicKey> peers(FakeWireGuardBackend wg) {
    return wg.device("clusternet").orElseThrow().peers().stream().map(PeerState::publicKey)
        .collect(Collectors.toSet());
  }

  /** A TCP proxy whose established connections can be made silent (bytes dropped, not closed). */
  static final class SilencingProxy implements AutoCloseable {
    private final ServerSocket server;
    private final InetSocketAddress target;
    private final ConcurrentLinkedQueue<Conn> conns = new ConcurrentLinkedQueue<>();
    private final Thread acceptor;
    private final AtomicBoolean allSilent = new AtomicBoolean();

    private record Conn(Socket client, Socket upstream, AtomicBoolean silent) {}

    SilencingProxy(InetSocketAddress target) throws Exception {
      this.target = target;
      this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
      this.acceptor = new Thread(this::acceptLoop, "silencing-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    int port() {
      return server.getLocalPort();
    }

    void silenceEstablished() {
      conns.forEach(c -> c.silent().set(true));
    }

    /** Established connections and every new one go silent (the server's host is cut off). */
    void silenceAll() {
      allSilent.set(true);
      silenceEstablished();
    }

    private void acceptLoop() {
      while (!server.isClosed()) {
        try {
          Socket c = server.accept();
          Socket u = new Socket(target.getAddress(), target.getPort());
          Conn conn = new Conn(c, u, new AtomicBoolean(allSilent.get()));
          conns.add(conn);
          pump(c, u, conn.silent());
          pump(u, c, conn.silent());
        } catch (Exception e) {
          // closed
        }
      }
    }

    private static void pump(Socket from, Socket to, AtomicBoolean silent) {
      Thread t = new Thread(() -> {
        byte[] buf = new byte[16384];
        try (InputStream in = from.getInputStream(); OutputStream out = to.getOutputStream()) {
          int n;
          while ((n = in.read(buf)) >= 0) {
            if (silent.get()) continue; // lost on the way; nobody is told
            out.write(buf, 0, n);
            out.flush();
          }
          // A close from either side is lost too once silent: keep the other side open.
          while (silent.get() && !to.isClosed()) Thread.sleep(1000);
        } catch (Exception e) {
          // closed
        }
      }, "silencing-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void close() throws Exception {
      server.close();
      for (Conn c : conns) {
        c.client().close();
        c.upstream().close();
      }
    }
  }
}
