package io.clusternet.core.reconcile;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class ReconcilerTest {
  @Test
  void runsNeverOverlapOnAMultiThreadedExecutor() throws Exception {
    FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
    wg.createDevice("wg0");
    PrivateKey key = X25519.generatePrivateKey();
    AtomicInteger inFlight = new AtomicInteger();
    AtomicInteger maxInFlight = new AtomicInteger();
    AtomicInteger version = new AtomicInteger();
    AtomicReference<DesiredMesh> mesh = new AtomicReference<>(
        new DesiredMesh(new TreeMap<>(), List.of()));
    ScheduledExecutorService pool = Executors.newScheduledThreadPool(4);
    try (Reconciler r = new Reconciler("wg0", wg, resync -> {
      int now = inFlight.incrementAndGet();
      maxInFlight.accumulateAndGet(now, Math::max);
      try {
        Thread.sleep(2); // a supplier doing real work: overlapping runs would meet here
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      inFlight.decrementAndGet();
      return mesh.get();
    }, () -> true, Optional.of(key), OptionalInt.of(51820), pool, Duration.ofHours(1),
        Duration.ofMillis(10), Duration.ofMillis(100))) {
      r.start();
      for (int i = 0; i < 200; i++) {
        mesh.set(meshWith(i));
        version.incrementAndGet();
        r.signal();
        Thread.sleep(0, 200_000);
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while ((r.isPending() || wg.device("wg0").orElseThrow().peers().size() != 1
          || !wg.device("wg0").orElseThrow().peers().get(0).publicKey()
              .equals(meshWith(199).peers().firstKey()))
          && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      assertThat(r.runs()).as("several runs happened").isGreaterThan(1);
      assertThat(maxInFlight.get()).as("never two runs at once").isEqualTo(1);
      assertThat(r.failures()).isZero();
      assertThat(wg.device("wg0").orElseThrow().peers()).singleElement()
          .satisfies(p -> assertThat(p.publicKey()).isEqualTo(meshWith(199).peers().firstKey()));
    } finally {
      pool.shutdownNow();
    }
  }

  private static final List<PublicKey> KEYS = new java.util.ArrayList<>();

  /** A mesh of one peer, different for every {@code i}. */
  private static synchronized DesiredMesh meshWith(int i) throws Exception {
    while (KEYS.size() <= i) KEYS.add(X25519.publicKey(X25519.generatePrivateKey()));
    PublicKey k = KEYS.get(i);
    TreeMap<PublicKey, DesiredPeer> peers = new TreeMap<>();
    peers.put(k, new DesiredPeer("n" + i, k, Endpoint.parse("192.0.2.1:51820"),
        new TreeSet<>(List.of(IpPrefix.parse("10.244." + (i % 250) + ".0/24"))), Duration.ZERO));
    return new DesiredMesh(peers, List.of());
  }
}
