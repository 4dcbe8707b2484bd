package io.clusternet.core.k8s;

import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.kubernetes.client.informer.ResourceEventHandler;
import io.kubernetes.client.informer.SharedIndexInformer;
import io.kubernetes.client.informer.SharedInformerFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeList;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;

/**
 * All Nodes through the official client's {@link SharedIndexInformer}, built from the host's
 * {@link ApiClient} (never the global default). Every add, update (annotation-only ones included)
 * and delete (tombstones included) signals the listeners; {@link #snapshot()} reads the
 * informer's cache, so a missed event cannot leave a wrong state behind.
 */
public final class InformerNodeSource implements NodeSource, AutoCloseable {
  private final SharedInformerFactory factory;
  private final SharedIndexInformer<V1Node> informer;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private final io.clusternet.core.mesh.NodeTable table = new io.clusternet.core.mesh.NodeTable();

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
        params -> api.listNode()
            .resourceVersion(params.resourceVersion)
            .watch(params.watch)
            .timeoutSeconds(params.timeoutSeconds)
            .buildCall(null),
        V1Node.class, V1NodeList.class);
    informer.addEventHandler(new ResourceEventHandler<>() {
      @Override
      public void onAdd(V1Node node) {
        table.upsert(NodeInfos.of(node));
        fire();
      }

      @Override
      public void onUpdate(V1Node oldNode, V1Node newNode) {
        // Annotation-only updates matter (the key travels in one); heartbeats change nothing
        // clusternet reads, so the table's version stays and no work follows.
        if (table.upsert(NodeInfos.of(newNode))) fire();
      }

      @Override
      public void onDelete(V1Node node, boolean deletedFinalStateUnknown) {
        // A tombstone too (deletedFinalStateUnknown): the name is what we need.
        if (node != null && node.getMetadata() != null) table.remove(node.getMetadata().getName());
        fire();
      }
    });
  }

  private void fire() {
    for (Runnable r : listeners) r.run();
  }

  /** Starts the informer (list, then watch). */
  public void start() {
    factory.startAllRegisteredInformers();
  }

  /**
   * The informer's cache as {@link NodeInfo}s. The table fed by the events is reconciled against
   * the cache first, so a missed or reordered event cannot leave a wrong state behind.
   */
  @Override
  public List<NodeInfo> snapshot() {
    if (table.size() != informer.getIndexer().list().size()) {
      List<NodeInfo> all = new ArrayList<>();
      for (V1Node n : informer.getIndexer().list()) all.add(NodeInfos.of(n));
      table.replaceAll(all);
    }
    return table.snapshot();
  }

  @Override
  public long version() {
    return table.version();
  }

  /**
   * From the table the events feed, without reading the cache: O(changes). A missed event (which
   * the informer does not produce) would be repaired by the next {@link #snapshot()}, which the
   * service takes at least once per resync period.
   */
  @Override
  public java.util.Optional<Changes> changesSince(long version) {
    return table.changesSince(version);
  }

  @Override
  public boolean hasSynced() {
    return informer.hasSynced();
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(Objects.requireNonNull(listener, "listener"));
  }

  @Override
  public void close() {
    factory.stopAllRegisteredInformers();
  }
}
