package io.clusternet.core.k8s;

import io.clusternet.core.backoff.Backoff;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.mesh.NodeTable;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.Supplier;

/**
 * All Nodes through the official client's {@link SharedIndexInformer}, built from the host's
 * {@link ApiClient} (never the global default).
 *
 * <p>Two views. The informer's cache (its indexer) is the source of truth; {@link #truth()} reads
 * it. A {@link NodeTable} fed by the informer's events, in their order, is the fast view that
 * {@link #snapshot()} and {@link #changesSince} answer from. The informer updates its cache
 * <em>before</em> it hands the event to us, on another thread, so the table lags the cache by
 * the events in flight, and the cache is never older than what the table holds. Every write to
 * the table therefore happens under one lock, and a repair reads the cache inside that lock: a
 * repair can never put back a state older than an event already applied (the lost update of
 * issue 11, where a cache listing read before an event was written after it). For each node the
 * resourceVersion of the last event applied is kept, so {@link #truth()} can tell whether the two
 * views differ only by events still in flight ({@link NodeSource.Truth#settled()}).
 */
public final class InformerNodeSource implements NodeSource, AutoCloseable {
  private static final org.slf4j.Logger log =
      org.slf4j.LoggerFactory.getLogger(InformerNodeSource.class);
  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1Node> informer;
  private final Mirror mirror;
  private final java.util.concurrent.atomic.AtomicLong tombstones =
      new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong lists =
      new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param client the host's client; its read timeout must be 0 (the informer's watches are long)
   * @param executor runs the informer's threads
   */
  public InformerNodeSource(ApiClient client, ExecutorService executor) {
    Objects.requireNonNull(client, "client");
    if (client.getReadTimeout() != 0) {
      throw new IllegalArgumentException("the ApiClient's read timeout must be 0 for watches "
          + "(ClientBuilder's default); it is " + client.getReadTimeout() + " ms");
    }
    CoreV1Api api = new CoreV1Api(client);
    this.factory = new SharedInformerFactory(client, executor, false);
    this.informer = factory.sharedIndexInformerFor(
        params -> {
          if (!Boolean.TRUE.equals(params.watch)) lists.incrementAndGet();
          return api.listNode()
              .resourceVersion(params.resourceVersion)
              .watch(params.watch)
              .timeoutSeconds(params.timeoutSeconds)
              .buildCall(null);
        },
        V1Node.class, V1NodeList.class, 0L, (type, failure) -> listOrWatchFailed(failure));
    this.mirror = new Mirror(() -> informer.getIndexer().list(), informer::hasSynced);
    // Our handler reports its own failures (under this class's logger) and never throws, so the
    // client's ProcessorListener logger only ever speaks when the informer stops: it logs the
    // InterruptedException of every stop at ERROR, and a host may silence it (the agent does).
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1Node node) {
        guarded("an added Node", () -> mirror.applied(node));
      }

      @Override
      public void onUpdate(V1Node oldNode, V1Node newNode) {
        // Annotation-only updates matter (the key travels in one); heartbeats change nothing
        // clusternet reads, so the table's version stays and no work follows.
        guarded("an updated Node", () -> mirror.applied(newNode));
      }

      @Override
      public void onDelete(V1Node node, boolean deletedFinalStateUnknown) {
        // A tombstone too (deletedFinalStateUnknown: deleted while the watch was down, seen on
        // the relist): the name is what we need.
        guarded("a deleted Node", () -> {
          if (deletedFinalStateUnknown) tombstones.incrementAndGet();
          mirror.deleted(node);
        });
      }
    });
  }

  private static void guarded(String what, Runnable handler) {
    try {
      handler.run();
    } catch (RuntimeException | Error e) {
      log.error("handling {} failed (the next resync repairs the table)", what, e);
    }
  }

  /**
   * The table and the cache it mirrors, without the informer: the part with the concurrency
   * rules, testable with a cache the test controls (package-private).
   */
  static final class Mirror {
    private final Supplier<List<V1Node>> cache;
    private final Supplier<Boolean> cacheSynced;
    private final NodeTable table = new NodeTable();
    private final Map<String, String> appliedVersion = new HashMap<>(); // guarded by table
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private volatile boolean synced;

    Mirror(Supplier<List<V1Node>> cache, Supplier<Boolean> cacheSynced) {
      this.cache = cache;
      this.cacheSynced = cacheSynced;
    }

    /** An add or update event, in the informer's order. */
    void applied(V1Node node) {
      boolean changed;
      synchronized (table) {
        NodeInfo info = NodeInfos.of(node);
        changed = table.upsert(info);
        appliedVersion.put(info.name(), resourceVersion(node));
      }
      if (changed) fire();
    }

    /** A delete event (or a tombstone). */
    void deleted(V1Node node) {
      if (node == null || node.getMetadata() == null || node.getMetadata().getName() == null) {
        fire();
        return;
      }
      String name = node.getMetadata().getName();
      synchronized (table) {
        table.remove(name);
        appliedVersion.remove(name);
      }
      fire();
    }

    private void fire() {
      for (Runnable r : listeners) r.run();
    }

    NodeTable table() {
      return table;
    }

    void onChange(Runnable listener) {
      listeners.add(Objects.requireNonNull(listener, "listener"));
    }

    Truth truth() {
      synchronized (table) {
        List<V1Node> objects = cache.get();
        List<NodeInfo> nodes = new ArrayList<>(objects.size());
        boolean settled = objects.size() == appliedVersion.size();
        for (V1Node n : objects) {
          NodeInfo info = NodeInfos.of(n);
          nodes.add(info);
          settled &= Objects.equals(appliedVersion.get(info.name()), resourceVersion(n));
        }
        return new Truth(nodes, settled, table.version());
      }
    }

    Set<String> repair() {
      synchronized (table) {
        // Read inside the lock: every event already applied is in this listing (the informer
        // updates its cache first), so nothing moves back in time.
        List<NodeInfo> nodes = new ArrayList<>();
        for (V1Node n : cache.get()) nodes.add(NodeInfos.of(n));
        return table.replaceAllChanged(nodes);
      }
    }

    /**
     * Synced once the informer has listed and its first listing has reached the table (events
     * for every object it holds), so the first mapping is not of a partial table.
     */
    boolean hasSynced() {
      if (synced) return true;
      if (!cacheSynced.get()) return false;
      synchronized (table) {
        for (V1Node n : cache.get()) {
          String name = n.getMetadata() == null ? null : n.getMetadata().getName();
          if (name == null || !appliedVersion.containsKey(name)) return false;
        }
      }
      synced = true;
      return true;
    }

    private static String resourceVersion(V1Node n) {
      return n.getMetadata() == null ? null : n.getMetadata().getResourceVersion();
    }
  }

  /** How long after its last failure listing or watching still counts as failing. */
  static final java.time.Duration FAILURE_WINDOW = java.time.Duration.ofSeconds(10);

  private final java.util.concurrent.atomic.AtomicLong failures =
      new java.util.concurrent.atomic.AtomicLong();
  private final RepeatedFailures repeated = new RepeatedFailures(FAILURE_WINDOW);
  private volatile long lastFailureNanos;
  private volatile String lastFailure = "";

  /**
   * The informer's list or watch failed (it retries by itself, about once a second). Replaces
   * the client's default handler, which logs every failure: a run of identical failures is
   * logged at its first and then at each doubling of its count ({@link Backoff#worthLogging(long)},
   * the rule every retry loop of the service follows), with the count, so an API server
   * unreachable for an hour yields about a dozen lines.
   */
  private void listOrWatchFailed(Throwable failure) {
    failures.incrementAndGet();
    String description = failure instanceof Exception e ? KeyPublisher.describe(e)
        : String.valueOf(failure);
    long now = System.nanoTime();
    lastFailure = description;
    lastFailureNanos = now;
    long inRun = repeated.record(description, now);
    if (Backoff.worthLogging(inRun)) {
      log.warn("listing or watching Nodes failed ({} time(s) in a row; logged at each doubling): "
          + "{}", inRun, description);
    }
  }

  /**
   * Counts failures in a row for the log, per description (package-private, for tests). A run
   * is a sequence of identical failures, each within {@code window} of the one before: the
   * informer retries about once a second while it fails, so a longer gap means it succeeded in
   * between, and the next failure starts a new run (and is logged). Failures that alternate (a
   * refused list, then a refused watch) each keep their own run, so they cannot defeat the
   * doubling; the {@value #KINDS} most recent descriptions are remembered.
   */
  static final class RepeatedFailures {
    static final int KINDS = 16;
    private final long windowNanos;
    private final Map<String, long[]> runs = new java.util.LinkedHashMap<>(32, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<String, long[]> eldest) {
        return size() > KINDS;
      }
    };

    RepeatedFailures(java.time.Duration window) {
      this.windowNanos = window.toNanos();
    }

    /**
     * Records a failure at {@code nanos} ({@link System#nanoTime()}); returns its number (from 1)
     * in its run.
     */
    synchronized long record(String failure, long nanos) {
      long[] run = runs.computeIfAbsent(failure, f -> new long[2]); // {count, last nanos}
      if (run[0] > 0 && nanos - run[1] > windowNanos) run[0] = 0;
      run[1] = nanos;
      return ++run[0];
    }
  }

  /** Listing or watching has failed within the last {@link #FAILURE_WINDOW}. */
  @Override
  public Optional<String> problem() {
    if (failures.get() == 0
        || System.nanoTime() - lastFailureNanos > FAILURE_WINDOW.toNanos()) {
      return Optional.empty();
    }
    return Optional.of("listing or watching Nodes fails: " + lastFailure + " ("
        + failures.get() + " failure(s) so far)");
  }

  /** Starts the informer (list, then watch). */
  public void start() {
    factory.startAllRegisteredInformers();
  }

  /** The table the informer's events feed: it may lag the cache by the events in flight. */
  @Override
  public List<NodeInfo> snapshot() {
    return mirror.table().snapshot();
  }

  @Override
  public long version() {
    return mirror.table().version();
  }

  /** From the table the events feed, without reading the cache: O(changes). */
  @Override
  public Optional<Changes> changesSince(long version) {
    return mirror.table().changesSince(version);
  }

  /** The informer's cache, read afresh. */
  @Override
  public Truth truth() {
    return mirror.truth();
  }

  @Override
  public Set<String> repair() {
    return mirror.repair();
  }

  /**
   * How many deletes reached us as tombstones ({@code DeletedFinalStateUnknown}): Nodes that
   * disappeared while the watch was down, noticed by the relist that followed.
   */
  public long tombstones() {
    return tombstones.get();
  }

  /**
   * How many times the informer listed all Nodes again after its first listing (after a watch
   * ended with an error, such as 410 Gone, or a listing failed): each list call after the first.
   */
  public long relists() {
    return Math.max(0, lists.get() - 1);
  }

  @Override
  public boolean hasSynced() {
    return mirror.hasSynced();
  }

  @Override
  public void onChange(Runnable listener) {
    mirror.onChange(listener);
  }

  @Override
  public void close() {
    factory.stopAllRegisteredInformers();
  }

  /**
   * Every Node as one list call shows it (no informer, no watch), such as for a dry run.
   *
   * @throws ApiException as the API server answers (or {@code code() == 0} when unreachable)
   */
  public static List<NodeInfo> listOnce(ApiClient client) throws ApiException {
    V1NodeList list = new CoreV1Api(client).listNode().execute();
    List<NodeInfo> nodes = new ArrayList<>();
    for (V1Node n : list.getItems()) nodes.add(NodeInfos.of(n));
    return nodes;
  }
}
