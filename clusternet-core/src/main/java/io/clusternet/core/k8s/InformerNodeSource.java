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
  /** The deadline of one watch call: the watch timeout plus {@link #WATCH_GRACE}. */
  private final long watchDeadlineSeconds;

  /** The default longest watch: the API server ends each watch after this, and we re-watch. */
  public static final java.time.Duration DEFAULT_WATCH_TIMEOUT = java.time.Duration.ofMinutes(2);
  /** How much longer than the watch timeout a watch call may last before it is cut. */
  static final java.time.Duration WATCH_GRACE = java.time.Duration.ofSeconds(15);
  /** The deadline of one list call. */
  static final java.time.Duration LIST_TIMEOUT = java.time.Duration.ofSeconds(60);

  /** As {@link #InformerNodeSource(ApiClient, ExecutorService, java.time.Duration)} with {@link
   * #DEFAULT_WATCH_TIMEOUT}. */
  public InformerNodeSource(ApiClient client, ExecutorService executor) {
    this(client, executor, DEFAULT_WATCH_TIMEOUT);
  }

  /**
   * @param client the host's client; its read timeout must be 0 (the informer's watches are long)
   * @param executor runs the informer's threads
   * @param watchTimeout the longest watch: the API server ends each one after this (whole
   *     seconds, at least 1 s) and the informer watches again; a watch call still open
   *     15 s later is cut on our side, so a connection that went
   *     silent (a NAT or load balancer lost its state, the server's host vanished) is noticed
   *     within this plus 15 s, and the informer lists and watches anew. Every list call has a 60 s
   *     deadline.
   */
  public InformerNodeSource(ApiClient client, ExecutorService executor,
      java.time.Duration watchTimeout) {
    Objects.requireNonNull(client, "client");
    if (client.getReadTimeout() != 0) {
      throw new IllegalArgumentException("the ApiClient's read timeout must be 0 for watches "
          + "(ClientBuilder's default); it is " + client.getReadTimeout() + " ms");
    }
    if (watchTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException("watchTimeout must be at least 1 s: " + watchTimeout);
    }
    int watchSeconds = (int) Math.min(Integer.MAX_VALUE, watchTimeout.toSeconds());
    this.watchDeadlineSeconds = watchSeconds + WATCH_GRACE.toSeconds();
    CoreV1Api api = new CoreV1Api(client);
    this.factory = new SharedInformerFactory(client, executor, false);
    // Our own ListerWatcher, not a CallGenerator: the factory's watch() makes a new Call from the
    // generated call's request (SharedInformerFactory$1.watch in client-java 27), which drops the
    // call's deadline, so a watch on a silent connection was never cut.
    this.informer = factory.sharedIndexInformerFor(
        new NodeListerWatcher(client, api, watchSeconds), V1Node.class, 0L,
        (type, failure) -> listOrWatchFailed(failure));

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
   * Lists and watches Nodes with a deadline on every call: a watch call is cut {@link
   * #WATCH_GRACE} after the watch timeout the server is asked to keep, a list call after {@link
   * #LIST_TIMEOUT}. The reflector takes a cut watch as "retry list and watch" and lists again.
   */
  private final class NodeListerWatcher
      implements io.kubernetes.client.informer.ListerWatcher<V1Node, V1NodeList> {
    private final ApiClient client;
    private final CoreV1Api api;
    private final int watchSeconds;

    NodeListerWatcher(ApiClient client, CoreV1Api api, int watchSeconds) {
      this.client = client;
      this.api = api;
      this.watchSeconds = watchSeconds;
    }

    @Override
    public V1NodeList list(io.kubernetes.client.util.CallGeneratorParams params)
        throws io.kubernetes.client.openapi.ApiException {
      lists.incrementAndGet();
      // A (re)list follows a start or a failed or cut watch: idle pooled connections may be as
      // silent as the one that was cut, so the list gets a fresh one.
      client.getHttpClient().connectionPool().evictAll();
      okhttp3.Call call = api.listNode()
          .resourceVersion(params.resourceVersion)
          .watch(params.watch)
          .timeoutSeconds(params.timeoutSeconds)
          .buildCall(null);
      call.timeout().timeout(LIST_TIMEOUT.toSeconds(), java.util.concurrent.TimeUnit.SECONDS);
      V1NodeList list = client.<V1NodeList>execute(call, V1NodeList.class).getData();
      staleSince = null;
      return list;
    }

    @Override
    public io.kubernetes.client.util.Watchable<V1Node> watch(
        io.kubernetes.client.util.CallGeneratorParams params)
        throws io.kubernetes.client.openapi.ApiException {
      okhttp3.Call call = api.listNode()
          .resourceVersion(params.resourceVersion)
          .watch(true)
          .timeoutSeconds(watchSeconds)
          .buildCall(null);
      // The deadline of the whole call (connect, request, the response body): a watch the server
      // should have ended by now, on a connection gone silent, is cut here.
      call.timeout().timeout(watchDeadlineSeconds, java.util.concurrent.TimeUnit.SECONDS);
      io.kubernetes.client.util.Watch<V1Node> watch;
      try {
        watch = io.kubernetes.client.util.Watch.createWatch(client, call, WATCH_RESPONSE_TYPE);
      } catch (io.kubernetes.client.openapi.ApiException e) {
        // No response within the deadline (a pooled connection gone silent): stale as well.
        if (call.isCanceled()) staleSince = System.nanoTime();
        throw e;
      }
      return new CutWatch(watch, call);
    }
  }

  private static final java.lang.reflect.Type WATCH_RESPONSE_TYPE =
      new com.google.gson.reflect.TypeToken<io.kubernetes.client.util.Watch.Response<V1Node>>() {
      }.getType();

  /**
   * A watch that notes when it was cut by its deadline (the connection went silent): the nodes
   * are stale from then until the next list succeeds, and {@link #problem()} says so.
   */
  private final class CutWatch implements io.kubernetes.client.util.Watchable<V1Node> {
    private final io.kubernetes.client.util.Watch<V1Node> watch;
    private final okhttp3.Call call;
    private volatile boolean closed;

    CutWatch(io.kubernetes.client.util.Watch<V1Node> watch, okhttp3.Call call) {
      this.watch = watch;
      this.call = call;
    }

    @Override
    public boolean hasNext() {
      try {
        return watch.hasNext();
      } catch (RuntimeException e) {
        noted(e);
        throw e;
      }
    }

    @Override
    public io.kubernetes.client.util.Watch.Response<V1Node> next() {
      try {
        return watch.next();
      } catch (RuntimeException e) {
        noted(e);
        throw e;
      }
    }

    private void noted(RuntimeException e) {
      if (closed) return; // stopped by us
      if (e.getCause() instanceof java.io.InterruptedIOException && call.isCanceled()) {
        staleSince = System.nanoTime();
        listOrWatchFailed(new java.io.IOException(staleText()));
      }
    }

    @Override
    public java.util.Iterator<io.kubernetes.client.util.Watch.Response<V1Node>> iterator() {
      return this;
    }

    @Override
    public void close() throws java.io.IOException {
      closed = true;
      watch.close();
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
  /** When a watch was cut for want of an answer; null once a list has succeeded since. */
  private volatile Long staleSince;

  private String staleText() {
    return "node watch: no answer within " + watchDeadlineSeconds
        + " s (the API connection went silent?); cut, listing again";
  }

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

  /**
   * A watch was cut for want of an answer and no list has succeeded since (the nodes may be
   * stale), or listing or watching has failed within the last {@link #FAILURE_WINDOW}.
   */
  @Override
  public Optional<String> problem() {
    Long stale = staleSince;
    if (stale != null) {
      String last = lastFailure.equals(staleText()) ? "" : "; last failure: " + lastFailure;
      return Optional.of(staleText() + "; the nodes may be stale until a list succeeds (cut "
          + java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - stale)
          + " s ago" + last + ")");
    }
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
