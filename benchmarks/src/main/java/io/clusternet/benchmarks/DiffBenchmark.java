package io.clusternet.benchmarks;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.diff.PeerDiff;
import io.clusternet.core.diff.PeerPlan;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The peer-diffing engine on 10,000 nodes. "diff" cases time {@link PeerDiff#compute} (the full,
 * level-based diff of resyncs) or {@link PeerDiff#computeSince} (the incremental one of node
 * changes) alone; "mapAndDiff" cases map all nodes from scratch ({@link MeshMapper#map}) and
 * diff; "service" and "state" cases time what the service does per change, incrementally.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class DiffBenchmark {
  @Param({"10000"})
  int nodes;

  PrivateKey self;
  MeshMapper.Config config;
  List<NodeInfo> cluster;
  List<NodeInfo> oneChanged;
  List<NodeInfo> heartbeatsOnly;
  DesiredMesh desired;
  DesiredMesh desiredOneChanged;
  DeviceState empty;
  DeviceState inSync;
  io.clusternet.core.diff.DeviceIndex heldIndex;
  io.clusternet.core.mesh.NodeTable table;
  io.clusternet.core.mesh.MeshState state;
  io.clusternet.core.mesh.MeshState serviceState;
  io.clusternet.core.diff.DeviceIndex serviceIndex;
  io.clusternet.core.mesh.NodeTable serviceTable;
  long serviceVersion;
  DesiredMesh serviceApplied;
  DesiredMesh stateBefore;
  DesiredMesh stateOneChanged;
  NodeInfo changedNode;
  NodeInfo originalNode;
  DesiredMesh mapped;
  long mappedVersion;
  int flip;

  @Setup
  public void setUp() {
    self = X25519.generatePrivateKey();
    config = Fixtures.config(self);
    cluster = Fixtures.cluster(nodes, 42);
    desired = MeshMapper.map(cluster, config);
    oneChanged = new ArrayList<>(cluster);
    NodeInfo n = cluster.get(nodes / 2);
    oneChanged.set(nodes / 2, new NodeInfo(n.name(), n.created(), n.annotations(),
        List.of("10.250.0.1"), n.podCidrs())); // a new InternalIP: one endpoint changes
    desiredOneChanged = MeshMapper.map(oneChanged, config);
    // A heartbeat changes nothing clusternet reads: equal NodeInfo values, new objects.
    heartbeatsOnly = new ArrayList<>();
    for (NodeInfo x : cluster) {
      heartbeatsOnly.add(new NodeInfo(x.name(), x.created(), x.annotations(), x.internalIps(),
          x.podCidrs()));
    }
    empty = new DeviceState("clusternet", Optional.of(self), Optional.of(X25519.publicKey(self)),
        51820, 0, List.of());
    List<PeerState> peers = new ArrayList<>();
    for (DesiredPeer p : desired.peers().values()) {
      peers.add(new PeerState(p.publicKey(), Optional.empty(), Optional.of(p.endpoint()),
          new ArrayList<>(p.allowedIps()), p.persistentKeepalive(), Optional.of(Instant.now()),
          1000, 2000, 1));
    }
    inSync = new DeviceState("clusternet", Optional.of(self), Optional.of(X25519.publicKey(self)),
        51820, 0, peers);
    heldIndex = io.clusternet.core.diff.DeviceIndex.of(inSync);
    table = new io.clusternet.core.mesh.NodeTable();
    table.replaceAll(cluster);
    mapped = MeshMapper.map(table.snapshot(), config);
    mappedVersion = table.version();
    // Incremental: one MeshState sees the cluster, then the change; unchanged peers are shared.
    state = new io.clusternet.core.mesh.MeshState(config);
    stateBefore = state.sync(cluster);
    stateOneChanged = state.sync(oneChanged);
    originalNode = cluster.get(nodes / 2);
    changedNode = oneChanged.get(nodes / 2);
    serviceState = new io.clusternet.core.mesh.MeshState(config);
    serviceTable = new io.clusternet.core.mesh.NodeTable();
    serviceTable.replaceAll(cluster);
    serviceApplied = serviceState.sync(serviceTable.snapshot());
    serviceVersion = serviceTable.version();
    serviceIndex = io.clusternet.core.diff.DeviceIndex.of(inSync);
    check();
  }

  private void check() {
    if (diffFullAgainstEmpty().add().size() != nodes) throw new AssertionError("full plan");
    PeerPlan one = mapAndDiffOneChanged();
    if (one.update().size() != 1 || !one.add().isEmpty() || !one.remove().isEmpty()) {
      throw new AssertionError("one changed: " + one.summary());
    }
    if (!mapAndDiffHeartbeatsOnly().isEmpty()) throw new AssertionError("heartbeats");
    for (int i = 0; i < 8; i++) {
      PeerPlan p = switch (i % 4) {
        case 0 -> diffSinceOneChanged();
        case 1 -> diffSinceOneChangedByWalkingBothMaps();
        case 2 -> serviceOneChangedPath();
        default -> serviceOneChangedPathWithSnapshot();
      };
      if (p.update().size() != 1 || !p.add().isEmpty() || !p.remove().isEmpty()) {
        throw new AssertionError("incremental one changed: " + p.summary());
      }
    }
    flip = 0;
  }

  @Benchmark
  public PeerPlan diffFullAgainstEmpty() {
    return PeerDiff.compute(desired.peers(), empty, Optional.of(self), OptionalInt.of(51820));
  }

  @Benchmark
  public PeerPlan diffOneChanged() {
    return PeerDiff.compute(desiredOneChanged.peers(), inSync, Optional.of(self),
        OptionalInt.of(51820));
  }

  /**
   * One node changed, as the reconciler runs it: against the device index it keeps (built once
   * at a device read, updated in place with its own plans), so no index is built per change.
   */
  @Benchmark
  public PeerPlan diffOneChangedAgainstHeldIndex() {
    return PeerDiff.compute(desiredOneChanged.peers(), heldIndex, Optional.of(self),
        OptionalInt.of(51820));
  }

  @Benchmark
  public PeerPlan mapAndDiffFullAgainstEmpty() {
    return PeerDiff.compute(MeshMapper.map(cluster, config).peers(), empty, Optional.of(self),
        OptionalInt.of(51820));
  }

  @Benchmark
  public PeerPlan mapAndDiffOneChanged() {
    return PeerDiff.compute(MeshMapper.map(oneChanged, config).peers(), inSync,
        Optional.of(self), OptionalInt.of(51820));
  }

  /**
   * What the service does for a heartbeat: the informer's update yields an equal NodeInfo, the
   * table's version does not move, the mapping is skipped, and the reconciler sees the mesh it
   * already applied: no diff, no write.
   */
  @Benchmark
  public DesiredMesh heartbeatSignalPath() {
    NodeInfo n = heartbeatsOnly.get(flip++ % nodes);
    table.upsert(n);
    if (table.version() == mappedVersion) return mapped;
    throw new AssertionError("a heartbeat moved the version");
  }

  /**
   * The engine's diff for one changed node: {@link PeerDiff#computeSince} walks the previous and
   * the new mesh (sharing every unchanged peer object) and compares only the changed peer with the
   * held device index.
   */
  @Benchmark
  public PeerPlan diffSinceOneChanged() {
    return PeerDiff.computeSince(stateOneChanged, stateBefore, heldIndex, Optional.of(self),
        OptionalInt.of(51820));
  }

  /**
   * The same diff when the two meshes do not come from one state step (say, several changes
   * coalesced): both maps are walked, comparing entries by identity.
   */
  @Benchmark
  public PeerPlan diffSinceOneChangedByWalkingBothMaps() {
    return PeerDiff.computeSince(stateOneChanged.peers(), stateBefore.peers(), heldIndex,
        Optional.of(self), OptionalInt.of(51820));
  }

  /** Updating the desired mesh for one changed node, when the caller knows which node it is. */
  @Benchmark
  public DesiredMesh stateUpdateOneChanged() {
    NodeInfo n = (flip++ & 1) == 0 ? changedNode : originalNode;
    return state.update(List.of(n), List.of());
  }

  /**
   * Everything the service does when one node of 10,000 changes, short of the write: bring the
   * {@link io.clusternet.core.mesh.MeshState} to the table's snapshot (one identity check per
   * node, the changed node re-mapped), diff since the applied mesh against the held index, and
   * update the index with the plan. Alternates between the two versions, so every call has one
   * update.
   */
  @Benchmark
  public PeerPlan serviceOneChangedPath() {
    NodeInfo n = (flip++ & 1) == 0 ? changedNode : originalNode;
    serviceTable.upsert(n); // the informer thread's part
    io.clusternet.core.mesh.NodeSource.Changes changes =
        serviceTable.changesSince(serviceVersion).orElseThrow();
    return planAndApply(serviceState.update(changes.upserts(), changes.removals()),
        changes.version());
  }

  /** As {@link #serviceOneChangedPath}, but taking a full snapshot of the table (each resync). */
  @Benchmark
  public PeerPlan serviceOneChangedPathWithSnapshot() {
    NodeInfo n = (flip++ & 1) == 0 ? changedNode : originalNode;
    serviceTable.upsert(n);
    return planAndApply(serviceState.sync(serviceTable.snapshot()), serviceTable.version());
  }

  /** The reconciler's part: diff since the applied mesh, update the held index. */
  private PeerPlan planAndApply(DesiredMesh mesh, long version) {
    PeerPlan plan = PeerDiff.computeSince(mesh, serviceApplied, serviceIndex, Optional.of(self),
        OptionalInt.of(51820));
    serviceIndex.apply(plan);
    serviceApplied = mesh;
    serviceVersion = version;
    return plan;
  }

  @Benchmark
  public PeerPlan mapAndDiffHeartbeatsOnly() {
    return PeerDiff.compute(MeshMapper.map(heartbeatsOnly, config).peers(), inSync,
        Optional.of(self), OptionalInt.of(51820));
  }
}
