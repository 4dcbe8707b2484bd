package io.clusternet.core.mesh;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows a {@link NodeSource} and keeps the desired mesh: incrementally between resyncs (only
 * the nodes that changed are mapped again), and at every resync recomputed from the source of
 * truth ({@link NodeSource#truth()}) with a fresh {@link MeshState}, no shortcut, and compared
 * with the incrementally kept mesh. A divergence is repaired (the fresh mesh is adopted and the
 * source's fast view is {@linkplain NodeSource#repair() repaired}), logged at WARN with the nodes
 * involved and counted ({@link #repairs()}); in a correct run that count stays 0. A difference
 * that only events still in flight explain ({@link NodeSource.Truth#settled()} false) is not a
 * divergence: the follower asks for another look soon instead, and repairs anyway if the source
 * never settles within {@value #MAX_UNSETTLED} looks.
 *
 * <p>Not thread-safe: one caller at a time (the reconciler's run lock ensures that). {@link
 * #current()} and the counters may be read from any thread.
 */
public final class MeshFollower {
  private static final Logger log = LoggerFactory.getLogger(MeshFollower.class);

  /** Looks at an unsettled source before a difference counts as a divergence anyway. */
  static final int MAX_UNSETTLED = 10;

  private final String selfName;
  private final NodeSource nodes;
  private final Function<Collection<NodeInfo>, MeshMapper.Config> configFor;
  private final Consumer<Optional<NodeInfo>> selfObserver;
  private final Runnable lookAgainSoon;

  private final AtomicReference<DesiredMesh> current =
      new AtomicReference<>(new DesiredMesh(new java.util.TreeMap<>(), List.of()));
  private final AtomicLong repairs = new AtomicLong();
  private final AtomicLong verifications = new AtomicLong();
  private MeshState state;
  private long mappedVersion = Long.MIN_VALUE;
  private int unsettled;

  /**
   * @param selfName this node's name (its own changes take the full path)
   * @param nodes where nodes come from
   * @param configFor the mapping configuration for a full node list (it depends on our own
   *     node's pod CIDRs)
   * @param selfObserver told our own node's info (or empty) at every full mapping, for example to
   *     check that it carries our key
   * @param lookAgainSoon asks for another verification soon (the source had events in flight)
   */
  public MeshFollower(String selfName, NodeSource nodes,
      Function<Collection<NodeInfo>, MeshMapper.Config> configFor,
      Consumer<Optional<NodeInfo>> selfObserver, Runnable lookAgainSoon) {
    this.selfName = Objects.requireNonNull(selfName, "selfName");
    this.nodes = Objects.requireNonNull(nodes, "nodes");
    this.configFor = Objects.requireNonNull(configFor, "configFor");
    this.selfObserver = Objects.requireNonNull(selfObserver, "selfObserver");
    this.lookAgainSoon = Objects.requireNonNull(lookAgainSoon, "lookAgainSoon");
  }

  /**
   * The desired mesh now.
   *
   * @param verify recompute it from the source of truth and compare (a resync); otherwise follow
   *     the source's fast view incrementally
   */
  public DesiredMesh desired(boolean verify) {
    return verify ? verify() : follow();
  }

  /** The mesh last computed (for status); never null. */
  public DesiredMesh current() {
    return current.get();
  }

  /** Divergences found (and repaired) at resyncs. 0 in a correct run. */
  public long repairs() {
    return repairs.get();
  }

  /** Resync verifications done. */
  public long verifications() {
    return verifications.get();
  }

  private DesiredMesh follow() {
    long version = nodes.version();
    if (state != null && version >= 0 && version == mappedVersion) {
      return current.get(); // nothing clusternet reads has changed (a heartbeat, say)
    }
    if (state != null && version >= 0) {
      Optional<NodeSource.Changes> changes = nodes.changesSince(mappedVersion);
      if (changes.isPresent() && !touchesSelf(changes.get())) {
        DesiredMesh mesh;
        try {
          mesh = state.update(changes.get().upserts(), changes.get().removals());
        } catch (RuntimeException e) {
          state = null; // possibly half-updated: the next run rebuilds it from a snapshot
          throw e;
        }
        current.set(mesh);
        mappedVersion = changes.get().version();
        return mesh;
      }
    }
    // First run, our own node changed, or the journal does not reach back: the whole view.
    List<NodeInfo> all = nodes.snapshot();
    MeshMapper.Config config = configFor.apply(all);
    selfObserver.accept(self(all));
    if (state == null || !state.config().equals(config)) state = new MeshState(config);
    DesiredMesh mesh;
    try {
      mesh = state.sync(all);
    } catch (RuntimeException e) {
      state = null;
      throw e;
    }
    current.set(mesh);
    mappedVersion = version;
    return mesh;
  }

  private DesiredMesh verify() {
    // Compare like with like: the followed mesh must be of the fast view at the very version
    // the truth was read against; events arriving in between move it, so follow again.
    DesiredMesh followed = follow();
    NodeSource.Truth truth = nodes.truth();
    for (int i = 0; i < 3 && truth.version() != mappedVersion; i++) {
      followed = follow();
      truth = nodes.truth();
    }
    if (truth.version() != mappedVersion) {
      log.debug("{}: nodes keep changing; verifying again soon", selfName);
      lookAgainSoon.run();
      return followed;
    }
    long versionBefore = truth.version();
    MeshMapper.Config config = configFor.apply(truth.nodes());
    MeshState fresh = new MeshState(config);
    DesiredMesh recomputed = fresh.sync(truth.nodes());
    verifications.incrementAndGet();
    selfObserver.accept(self(truth.nodes()));
    if (recomputed.equals(followed)) {
      unsettled = 0;
      return followed;
    }
    Set<String> involved = differingNodes(followed, recomputed);
    if (!truth.settled() && ++unsettled < MAX_UNSETTLED) {
      log.debug("{}: the informer has events in flight for {}; looking again soon", selfName,
          involved);
      lookAgainSoon.run();
      return followed;
    }
    unsettled = 0;
    repairs.incrementAndGet();
    Set<String> repairedNames = nodes.repair();
    log.warn("{}: the desired mesh kept incrementally diverged from the one recomputed from the "
        + "source of truth at node(s) {} (node view repaired at {}); adopting the recomputed one",
        selfName, involved, repairedNames);
    state = fresh;
    // Everything the repair changed after versionBefore is mapped again by the next follow().
    mappedVersion = versionBefore;
    current.set(recomputed);
    return recomputed;
  }

  private Optional<NodeInfo> self(Collection<NodeInfo> all) {
    for (NodeInfo n : all) {
      if (n.name().equals(selfName)) return Optional.of(n);
    }
    return Optional.empty();
  }

  private boolean touchesSelf(NodeSource.Changes changes) {
    if (changes.removals().contains(selfName)) return true;
    for (NodeInfo n : changes.upserts()) {
      if (n.name().equals(selfName)) return true;
    }
    return false;
  }

  /** Names of the nodes whose peer or exclusion differs between two meshes. */
  static Set<String> differingNodes(DesiredMesh a, DesiredMesh b) {
    Set<String> names = new TreeSet<>();
    Map<String, Object> byNodeA = byNode(a);
    Map<String, Object> byNodeB = byNode(b);
    for (var e : byNodeA.entrySet()) {
      if (!Objects.equals(e.getValue(), byNodeB.get(e.getKey()))) names.add(e.getKey());
    }
    for (String n : byNodeB.keySet()) {
      if (!byNodeA.containsKey(n)) names.add(n);
    }
    return names;
  }

  private static Map<String, Object> byNode(DesiredMesh m) {
    Map<String, Object> out = new HashMap<>();
    for (DesiredPeer p : m.peers().values()) out.put(p.nodeName(), p);
    for (Exclusion e : m.excluded()) out.put(e.nodeName(), e);
    return out;
  }
}
