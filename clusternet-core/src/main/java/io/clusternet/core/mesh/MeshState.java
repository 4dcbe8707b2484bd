package io.clusternet.core.mesh;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

/**
 * The desired mesh of {@link MeshMapper}, kept up to date one node change at a time: a change
 * re-parses only the changed nodes and re-runs the checks across nodes only where they can
 * change the outcome, so one changed node among 10,000 costs microseconds, not a full mapping.
 *
 * <p>The result is always exactly what {@link MeshMapper#map} gives for the same nodes (a
 * property test checks this against a plain full mapping after random changes): the placement
 * rule is greedy in age order, and a node's outcome depends only on the nodes its allowed IPs
 * overlap or whose endpoint it shares, directly or through others, so an update re-places just
 * the changed nodes' components (before and after the change); a public key's peer is recomputed
 * only when a node holding it was re-placed.
 *
 * <p>Valid for one {@link MeshMapper.Config}; a different config needs a new state. Not
 * thread-safe.
 */
public final class MeshState {
  private final MeshMapper.Config config;
  private final Map<String, NodeInfo> nodes = new HashMap<>();
  private final Map<String, Exclusion> ownExclusions = new HashMap<>(); // the node's own data
  private final Map<String, DesiredPeer> candidates = new HashMap<>(); // its own data is fine
  private final CandidateIndex index = new CandidateIndex(); // every candidate's allowed IPs
  private final Map<Endpoint, Set<String>> byEndpoint = new HashMap<>(); // candidates' endpoints
  // Overlapping allowed IPs or a shared endpoint: the outcome of the age-order placement.
  private final Map<String, Exclusion> placementExclusions = new HashMap<>();
  private final Map<String, DesiredPeer> placed = new HashMap<>(); // passed the overlap rule
  private final Map<PublicKey, TreeSet<String>> placedByKey = new HashMap<>();
  // Persistent (immutable, path-copying) maps: a snapshot of the mesh costs nothing, an update
  // O(log n) per changed entry, instead of copying 10,000 entries per change.
  private PSortedMap<PublicKey, DesiredPeer> peers = TreePMap.empty();
  private PSortedMap<String, Exclusion> excluded = TreePMap.empty();
  private static final java.util.concurrent.atomic.AtomicLong LINEAGES =
      new java.util.concurrent.atomic.AtomicLong();
  private final long lineage = LINEAGES.incrementAndGet();
  private long generation;
  private DesiredMesh mesh = new DesiredMesh(peers, excluded, lineage, 0, null);

  public MeshState(MeshMapper.Config config) {
    this.config = Objects.requireNonNull(config, "config");
  }

  public MeshMapper.Config config() {
    return config;
  }

  /** The current desired mesh (an immutable snapshot; the same instance until a change). */
  public DesiredMesh mesh() {
    return mesh;
  }

  /** How many nodes (other than our own) the state holds. */
  public int size() {
    return nodes.size();
  }

  /**
   * Brings the state to exactly {@code all} (our own node is skipped) and returns the mesh. Nodes
   * are compared with what the state holds by identity first, then by value, so an unchanged
   * snapshot costs one hash lookup per node and returns the same mesh instance. Node names must
   * be unique within {@code all}, as in any {@link NodeSource} snapshot.
   */
  public DesiredMesh sync(Collection<NodeInfo> all) {
    List<NodeInfo> upserts = new ArrayList<>();
    int known = 0;
    for (NodeInfo n : all) {
      if (n.name().equals(config.selfName())) continue;
      NodeInfo old = nodes.get(n.name());
      if (old != null) known++;
      if (old != n && !n.equals(old)) upserts.add(n);
    }
    List<String> removals = List.of();
    if (known != nodes.size()) { // some held node is not in the snapshot
      Set<String> names = new HashSet<>(all.size() * 2);
      for (NodeInfo n : all) names.add(n.name());
      removals = new ArrayList<>();
      for (String name : nodes.keySet()) {
        if (!names.contains(name)) removals.add(name);
      }
    }
    return update(upserts, removals);
  }

  /**
   * Applies changes: {@code upserts} added or replaced (by name), {@code removals} removed (names
   * not held are ignored). Returns the mesh, a new instance only if a peer or an exclusion changed.
   */
  public DesiredMesh update(Collection<NodeInfo> upserts, Collection<String> removals) {
    if (upserts.isEmpty() && removals.isEmpty()) return mesh;
    Set<String> touched = new HashSet<>(); // names whose exclusion must be recomputed
    Set<String> affected = new HashSet<>(); // candidates to place again
    Deque<IpPrefix> frontier = new ArrayDeque<>(); // prefixes whose overlappers are affected
    Deque<Endpoint> endpoints = new ArrayDeque<>(); // endpoints whose holders are affected
    Set<PublicKey> keys = new HashSet<>(); // keys whose peer must be recomputed

    for (String name : removals) {
      if (name.equals(config.selfName()) || nodes.remove(name) == null) continue;
      forget(name, touched, frontier, endpoints, keys);
    }
    for (NodeInfo n : upserts) {
      if (n.name().equals(config.selfName())) continue;
      NodeInfo old = nodes.put(n.name(), n);
      if (old != null) {
        if (old == n || old.equals(n)) continue;
        forget(n.name(), touched, frontier, endpoints, keys);
        affected.remove(n.name()); // replaced twice in one update: only the last one counts
      }
      touched.add(n.name());
      MeshMapper.Result r = MeshMapper.build(n, config);
      r.exclusion().ifPresent(e -> ownExclusions.put(n.name(), e));
      if (r.peer().isPresent()) {
        DesiredPeer p = r.peer().get();
        candidates.put(n.name(), p);
        for (IpPrefix ip : p.allowedIps()) index.add(ip, n.name());
        byEndpoint.computeIfAbsent(p.endpoint(), k -> new HashSet<>(2)).add(n.name());
        affected.add(n.name());
        frontier.addAll(p.allowedIps());
        endpoints.add(p.endpoint());
      }
    }

    // The components of the changed nodes (linked by overlapping allowed IPs or a shared
    // endpoint), before and after the change.
    Set<String> found = new HashSet<>();
    while ((!frontier.isEmpty() || !endpoints.isEmpty())
        && affected.size() < candidates.size()) { // else: all affected
      found.clear();
      if (!frontier.isEmpty()) {
        index.overlapping(frontier.pop(), found);
      } else {
        found.addAll(byEndpoint.getOrDefault(endpoints.pop(), Set.of()));
      }
      for (String owner : found) {
        if (affected.add(owner)) {
          DesiredPeer c = candidates.get(owner);
          frontier.addAll(c.allowedIps());
          endpoints.add(c.endpoint());
        }
      }
    }
    record Placing(java.time.Instant created, DesiredPeer peer) {}
    List<Placing> order = new ArrayList<>(affected.size());
    for (String name : affected) {
      DesiredPeer candidate = candidates.get(name);
      if (candidate == null) continue; // replaced again in this update, no peer now
      unplace(name, keys);
      placementExclusions.remove(name);
      touched.add(name);
      order.add(new Placing(nodes.get(name).created(), candidate));
    }
    // The placement rule, as MeshMapper states it: the older node (then the smaller name) keeps
    // contested allowed IPs and a contested endpoint; our own ranges always win. Nodes outside
    // these components overlap none of these and share no endpoint with them, so only our own
    // ranges need to be claimed first.
    order.sort(Comparator.comparing(Placing::created)
        .thenComparing(x -> x.peer().nodeName()));
    MeshMapper.Placement placement = new MeshMapper.Placement(config);
    for (Placing placing : order) {
      DesiredPeer p = placing.peer();
      Exclusion conflict = placement.place(p);
      if (conflict != null) {
        placementExclusions.put(p.nodeName(), conflict);
        continue;
      }
      placed.put(p.nodeName(), p);
      placedByKey.computeIfAbsent(p.publicKey(), k -> new TreeSet<>()).add(p.nodeName());
      keys.add(p.publicKey());
    }

    // Duplicate keys: nobody keeps a key that two placed nodes claim.
    boolean changed = false;
    TreeSet<PublicKey> changedKeys = new TreeSet<>();
    for (PublicKey k : keys) {
      TreeSet<String> holders = placedByKey.get(k);
      if (holders != null) touched.addAll(holders);
      DesiredPeer now = holders != null && holders.size() == 1 ? placed.get(holders.first()) : null;
      DesiredPeer before = peers.get(k);
      if (before == now || (before != null && before.equals(now))) {
        continue; // an equal peer keeps its instance: "same object" means unchanged
      }
      peers = now == null ? peers.minus(k) : peers.plus(k, now);
      changed = true;
      changedKeys.add(k);
    }
    for (String name : touched) {
      Exclusion e = nodes.containsKey(name) ? exclusionOf(name) : null;
      if (!Objects.equals(excluded.get(name), e)) {
        excluded = e == null ? excluded.minus(name) : excluded.plus(name, e);
        changed = true;
      }
    }
    if (changed) {
      mesh = new DesiredMesh(peers, excluded, lineage, ++generation, changedKeys);
    }
    return mesh;
  }

  private Exclusion exclusionOf(String name) {
    Exclusion own = ownExclusions.get(name);
    if (own != null) return own;
    Exclusion overlap = placementExclusions.get(name);
    if (overlap != null) return overlap;
    DesiredPeer p = placed.get(name);
    if (p == null) return null;
    TreeSet<String> holders = placedByKey.get(p.publicKey());
    if (holders.size() < 2) return null;
    List<String> others = new ArrayList<>(holders);
    others.remove(name);
    return MeshMapper.duplicateKey(p, others);
  }

  /** Drops everything derived from a node's previous data (the node itself is already gone). */
  private void forget(String name, Set<String> touched, Deque<IpPrefix> frontier,
      Deque<Endpoint> endpoints, Set<PublicKey> keys) {
    touched.add(name);
    ownExclusions.remove(name);
    placementExclusions.remove(name);
    unplace(name, keys);
    DesiredPeer old = candidates.remove(name);
    if (old != null) {
      for (IpPrefix ip : old.allowedIps()) index.remove(ip, name);
      frontier.addAll(old.allowedIps());
      Set<String> holders = byEndpoint.get(old.endpoint());
      holders.remove(name);
      if (holders.isEmpty()) byEndpoint.remove(old.endpoint());
      endpoints.add(old.endpoint());
    }
  }

  private void unplace(String name, Set<PublicKey> keys) {
    DesiredPeer p = placed.remove(name);
    if (p == null) return;
    TreeSet<String> holders = placedByKey.get(p.publicKey());
    holders.remove(name);
    if (holders.isEmpty()) placedByKey.remove(p.publicKey());
    keys.add(p.publicKey());
  }
}
