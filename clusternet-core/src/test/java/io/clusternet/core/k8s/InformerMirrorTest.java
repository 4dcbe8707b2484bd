package io.clusternet.core.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.core.mesh.NodeInfo;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import io.kubernetes.client.openapi.models.V1NodeSpec;
import io.kubernetes.client.openapi.models.V1NodeStatus;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * The concurrency rules between the informer's cache and the table its events feed, with a cache
 * this test controls. The informer updates its cache before it hands the event to the handler,
 * on another thread; these tests deliver events the same way.
 */
class InformerMirrorTest {
  static final String ANN = "clusternet.io/wireguard-public-key";
  static final String KEY = "HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=";

  /** The informer's indexer: objects by name. */
  final Map<String, V1Node> cache = new LinkedHashMap<>();

  synchronized List<V1Node> list() {
    return new ArrayList<>(cache.values());
  }

  synchronized void put(V1Node n) {
    cache.put(n.getMetadata().getName(), n);
  }

  static V1Node node(String name, String rv, String key) {
    V1ObjectMeta meta = new V1ObjectMeta().name(name).resourceVersion(rv)
        .creationTimestamp(OffsetDateTime.parse("2026-11-29T00:00:00Z"));
    if (key != null) meta.annotations(Map.of(ANN, key));
    return new V1Node().metadata(meta)
        .spec(new V1NodeSpec().podCIDRs(List.of("10.244." + name.charAt(1) + ".0/24")))
        .status(new V1NodeStatus().addresses(List.of(
            new V1NodeAddress().type("InternalIP").address("192.0.2." + name.charAt(1)))));
  }

  static String keyOf(List<NodeInfo> nodes, String name) {
    return nodes.stream().filter(n -> n.name().equals(name)).findFirst()
        .map(n -> n.annotations().get(ANN)).orElse("(absent)");
  }

  /**
   * Issue 11's lost update, deterministically: the repair reads a cache listing in which n2 has
   * no key yet; before it writes that listing into the table, the informer updates n2 (key
   * published) and the handler applies the event. Writing the older listing over it would lose
   * the key for good: the event is not delivered again, and the sizes then agree. At commit
   * 6effdf4 snapshot() did exactly this (listing read outside any lock).
   */
  @Test
  void aRepairNeverWritesAListingOlderThanAnEventAlreadyApplied() throws Exception {
    AtomicReference<Thread> eventThread = new AtomicReference<>();
    AtomicReference<InformerNodeSource.Mirror> mirrorRef = new AtomicReference<>();
    boolean[] injected = {false};
    Supplier<List<V1Node>> racyCache = () -> {
      List<V1Node> listing = list(); // n2 without its key
      if (!injected[0]) {
        injected[0] = true;
        // The informer now updates n2 (its cache first) and hands the event to the handler.
        V1Node n2WithKey = node("n2", "7", KEY);
        put(n2WithKey);
        Thread t = new Thread(() -> mirrorRef.get().applied(n2WithKey), "handler");
        eventThread.set(t);
        t.start();
        // Wait until the handler has applied it, or is blocked behind the repair's lock.
        while (t.isAlive() && t.getState() != Thread.State.BLOCKED) Thread.onSpinWait();
      }
      return listing;
    };
    InformerNodeSource.Mirror mirror = new InformerNodeSource.Mirror(racyCache, () -> true);
    mirrorRef.set(mirror);
    put(node("n1", "1", KEY));
    put(node("n2", "2", null));
    put(node("n3", "3", KEY));
    mirror.applied(node("n1", "1", KEY)); // the events for n2 and n3 are still in flight

    mirror.repair();
    eventThread.get().join();

    assertThat(keyOf(mirror.table().snapshot(), "n2")).isEqualTo(KEY);
    InformerNodeSource.Mirror settledView = mirror;
    mirror.applied(node("n3", "3", KEY)); // the rest of the in-flight events
    assertThat(settledView.truth().settled()).isTrue();
    assertThat(settledView.truth().nodes()).containsExactlyInAnyOrderElementsOf(
        mirror.table().snapshot());
  }

  @Test
  void truthIsUnsettledWhileAnEventIsInFlightAndSettledAfter() {
    InformerNodeSource.Mirror mirror = new InformerNodeSource.Mirror(this::list, () -> true);
    V1Node n1 = node("n1", "1", KEY);
    put(n1);
    mirror.applied(n1);
    assertThat(mirror.truth().settled()).isTrue();

    V1Node n1b = node("n1", "2", null); // the cache has it, the handler not yet
    put(n1b);
    assertThat(mirror.truth().settled()).isFalse();
    assertThat(keyOf(mirror.truth().nodes(), "n1")).isEqualTo("(absent)");
    assertThat(keyOf(mirror.table().snapshot(), "n1")).isEqualTo(KEY);

    mirror.applied(n1b);
    assertThat(mirror.truth().settled()).isTrue();

    synchronized (this) {
      cache.remove("n1"); // deleted; the delete event not yet handled
    }
    assertThat(mirror.truth().settled()).isFalse();
    mirror.deleted(n1b);
    assertThat(mirror.truth().settled()).isTrue();
    assertThat(mirror.table().snapshot()).isEmpty();
  }

  @Test
  void syncedOnlyOnceTheFirstListingHasReachedTheTable() {
    boolean[] listed = {false};
    InformerNodeSource.Mirror mirror = new InformerNodeSource.Mirror(this::list, () -> listed[0]);
    put(node("n1", "1", KEY));
    put(node("n2", "2", KEY));
    assertThat(mirror.hasSynced()).isFalse();
    listed[0] = true;
    assertThat(mirror.hasSynced()).isFalse(); // listed, but the events are in flight
    mirror.applied(node("n1", "1", KEY));
    assertThat(mirror.hasSynced()).isFalse();
    mirror.applied(node("n2", "2", KEY));
    assertThat(mirror.hasSynced()).isTrue();
  }

  @Test
  void aRepairMakesTheTableEqualTheCacheAndSaysWhatChanged() {
    InformerNodeSource.Mirror mirror = new InformerNodeSource.Mirror(this::list, () -> true);
    put(node("n1", "1", KEY));
    put(node("n2", "2", null));
    mirror.applied(node("n1", "1", KEY));
    long before = mirror.table().version();
    assertThat(mirror.repair()).containsExactly("n2");
    assertThat(mirror.table().version()).isGreaterThan(before);
    assertThat(mirror.table().snapshot()).containsExactlyInAnyOrderElementsOf(
        mirror.truth().nodes());
    assertThat(mirror.repair()).isEmpty();
  }
}
