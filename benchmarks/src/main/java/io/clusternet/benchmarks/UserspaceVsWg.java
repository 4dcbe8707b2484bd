package io.clusternet.benchmarks;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.core.diff.PeerDiff;
import io.clusternet.core.diff.PeerPlan;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.diff.DeviceIndex;
import io.clusternet.core.mesh.DesiredMesh;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.mesh.MeshState;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.core.mesh.NodeSource;
import io.clusternet.core.mesh.NodeTable;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;

/**
 * Our userspace backend against wg(8), on the same wireguard-go daemon with the same 10,000-peer
 * configuration, A B A B ...: cold apply vs {@code wg setconf}, an unchanged resync vs {@code wg
 * syncconf}, one node changed vs {@code wg set}. Every figure is a median over the runs, and every
 * ratio the median of the per-round ratios. Needs root, wireguard-go and wg.
 *
 * <p>{@code java -cp benchmarks/target/clusternet-benchmarks.jar
 * io.clusternet.benchmarks.UserspaceVsWg [runs] [peers]}
 */
public final class UserspaceVsWg {
  private UserspaceVsWg() {}

  static final String DEV = "cnbench0";

  public static void main(String[] args) throws Exception {
    int runs = args.length > 0 ? Integer.parseInt(args[0]) : 5;
    int n = args.length > 1 ? Integer.parseInt(args[1]) : 10_000;
    PrivateKey key = X25519.generatePrivateKey();
    // The cluster as the service sees it: a node table fed by (simulated) informer events, mapped
    // by a MeshState, exactly as ClusterNet does.
    List<NodeInfo> cluster = Fixtures.cluster(n, 1);
    NodeTable table = new NodeTable();
    table.replaceAll(cluster);
    MeshState state = new MeshState(Fixtures.config(key));
    DesiredMesh mesh = state.sync(table.snapshot());
    long mappedVersion = table.version();
    SortedMap<PublicKey, DesiredPeer> desired = mesh.peers();
    check(desired.size() == n, "every node maps to a peer");
    StringBuilder conf = new StringBuilder("[Interface]\nPrivateKey = " + key.toBase64()
        + "\nListenPort = 51820\n");
    for (DesiredPeer p : desired.values()) {
      conf.append("\n[Peer]\nPublicKey = ").append(p.publicKey()).append("\nAllowedIPs = ")
          .append(p.allowedIps().first()).append("\nEndpoint = ").append(p.endpoint())
          .append('\n');
    }
    Path file = Files.createTempFile("clusternet-bench-", ".conf");
    Files.writeString(file, conf);
    NetworkNamespace ns = NetworkNamespace.create("cnb");
    WireGuardGoProcess daemon = null;
    try {
      daemon = WireGuardGoProcess.builder(DEV).networkNamespace(ns.name()).start();
      ns.ip("link", "set", DEV, "up");
      UapiWireGuardBackend backend = UapiWireGuardBackend.create();

      Optional<PrivateKey> pk = Optional.of(key);
      OptionalInt port = OptionalInt.of(51820);
      // A long-running agent has a warm JIT: warm the engine and the UAPI parser first.
      backend.configure(DEV, PeerDiff.compute(desired, backend.device(DEV).orElseThrow(), pk,
          port).toDeviceConfig());
      DeviceState warm = backend.device(DEV).orElseThrow();
      for (int i = 0; i < 300; i++) PeerDiff.compute(desired, warm, pk, port);
      for (int i = 0; i < 20; i++) backend.device(DEV);
      long tRead = System.nanoTime();
      for (int i = 0; i < 10; i++) backend.device(DEV);
      System.err.printf("warm: read of %d peers %.1f ms each%n", n, ms(tRead) / 10);

      List<Double> coldOurs = new ArrayList<>();
      List<Double> coldWg = new ArrayList<>();
      List<Double> coldRatio = new ArrayList<>();
      List<Double> syncOurs = new ArrayList<>();
      List<Double> syncWg = new ArrayList<>();
      List<Double> syncRatio = new ArrayList<>();
      List<Double> oneOurs = new ArrayList<>();
      List<Double> oneDiff = new ArrayList<>();
      List<Double> rawGet = new ArrayList<>();
      List<Double> oneWg = new ArrayList<>();
      List<Double> oneRatio = new ArrayList<>();
      for (int round = 0; round < runs + 1; round++) { // round 0 warms up and is dropped
        boolean keep = round > 0;
        // 1. Cold apply onto an empty device. Who goes first alternates (A B, then B A), so
        // neither side always meets the daemon just after the other's 10,000 peers were freed.
        double a = 0;
        double b = 0;
        long t0;
        for (int side = 0; side < 2; side++) {
          reset(backend);
          // Removing 10,000 peers leaves the daemon's Go heap full of garbage; let its collector
          // finish, so neither side's apply runs against the other's clean-up.
          Thread.sleep(500);
          if ((side + round) % 2 == 0) {
            t0 = System.nanoTime();
            PeerPlan plan = PeerDiff.compute(desired, backend.device(DEV).orElseThrow(), pk,
                port);
            backend.configure(DEV, plan.toDeviceConfig());
            a = ms(t0);
            check(backend.device(DEV).orElseThrow().peers().size() == n, "cold apply");
          } else {
            t0 = System.nanoTime();
            Commands.run("wg", "setconf", DEV, file.toString());
            b = ms(t0);
            check(backend.device(DEV).orElseThrow().peers().size() == n, "setconf");
          }
        }
        if (keep) {
          coldOurs.add(a);
          coldWg.add(b);
          coldRatio.add(a / b);
        }
        // 2. Resync of an unchanged mesh: our read + diff (zero writes) vs wg syncconf. For the
        // record, the bare transfer of the same reply (no parsing) first.
        t0 = System.nanoTime();
        long bytes = rawGet(backend.socketPath(DEV));
        if (keep) rawGet.add(ms(t0));
        check(bytes > n * 100L, "raw get read the reply");
        t0 = System.nanoTime();
        DeviceState read = backend.device(DEV).orElseThrow();
        PeerPlan none = PeerDiff.compute(desired, read, pk, port);
        a = ms(t0);
        check(none.isEmpty(), "resync plan is empty: " + none.summary());
        t0 = System.nanoTime();
        Commands.run("wg", "syncconf", DEV, file.toString());
        b = ms(t0);
        if (keep) {
          syncOurs.add(a);
          syncWg.add(b);
          syncRatio.add(a / b);
        }
        System.err.printf("round %d: cold %.1f/%.1f ms, resync %.1f/%.1f ms (raw get %.1f ms)%n",
            round, coldOurs.isEmpty() ? 0 : last(coldOurs),
            coldWg.isEmpty() ? 0 : last(coldWg), syncOurs.isEmpty() ? 0 : last(syncOurs),
            syncWg.isEmpty() ? 0 : last(syncWg), rawGet.isEmpty() ? 0 : last(rawGet));
      }

      // 3. One node changed: a new InternalIP arrives as an informer event; the service applies
      // it to its MeshState, diffs the changed key against the state it holds, and writes one
      // peer. Against `wg set` of the same peer. Many short A/B pairs, after warming the path
      // (a long-running agent's JIT is warm).
      DeviceIndex held = DeviceIndex.of(backend.device(DEV).orElseThrow());
      DesiredMesh applied = mesh;
      NodeInfo original = cluster.get(n / 2);
      NodeInfo moved = new NodeInfo(original.name(), original.created(), original.annotations(),
          List.of("10.250.0.1"), original.podCidrs());
      PublicKey changing = desired.values().stream()
          .filter(p -> p.nodeName().equals(original.name())).findFirst().orElseThrow()
          .publicKey();
      int pairs = runs * 6;
      int warmPath = 2000; // our path only (wg(8) is a new process every time: nothing to warm)
      for (int i = 0; i < warmPath + pairs; i++) {
        boolean measure = i >= warmPath;
        NodeInfo next = (i & 1) == 0 ? moved : original;
        long t0 = System.nanoTime();
        table.upsert(next); // the informer thread's part
        NodeSource.Changes changes = table.changesSince(mappedVersion).orElseThrow();
        DesiredMesh now = state.update(changes.upserts(), changes.removals());
        PeerPlan plan = PeerDiff.computeSince(now, applied, held, pk, port);
        double diffMs = ms(t0);
        backend.configure(DEV, plan.toDeviceConfig());
        held.apply(plan);
        double a = ms(t0);
        mappedVersion = changes.version();
        applied = now;
        check(plan.update().size() == 1 && plan.add().isEmpty() && plan.remove().isEmpty(),
            "one update: " + plan.summary());
        String endpoint = now.peers().get(changing).endpoint().toString();
        String ip = now.peers().get(changing).allowedIps().first().toString();
        if (!measure) continue;
        t0 = System.nanoTime();
        Commands.run("wg", "set", DEV, "peer", changing.toBase64(), "endpoint", endpoint,
            "allowed-ips", ip);
        double b = ms(t0);
        {
          oneOurs.add(a);
          oneDiff.add(diffMs);
          oneWg.add(b);
          oneRatio.add(a / b);
        }
      }
      check(backend.device(DEV).orElseThrow().peer(changing).orElseThrow().endpoint()
          .orElseThrow().toString().equals(applied.peers().get(changing).endpoint().toString()),
          "the device has the last endpoint");
      System.err.printf("one node: %d pairs, ours median %.3f ms (engine %.3f ms), wg set %.3f ms%n",
          pairs, median(oneOurs), median(oneDiff), median(oneWg));
      System.out.printf("%nUserspace backend vs wg(8) on wireguard-go, %d peers, median of %d "
          + "rounds (A B alternating):%n%n", n, runs);
      System.out.println("| case | ours (ms) | wg (ms) | ratio ours/wg (median) | target |");
      System.out.println("|---|---:|---:|---:|---:|");
      row("cold apply onto an empty device vs `wg setconf`", coldOurs, coldWg, coldRatio, "<= 1.0");
      row("resync of an unchanged mesh (read + diff, 0 writes) vs `wg syncconf`", syncOurs,
          syncWg, syncRatio, "<= 0.3");
      row("one node changed (event to peer written, service path) vs `wg set`", oneOurs, oneWg,
          oneRatio, "<= 0.15");
      System.out.printf("| (one node changed: the engine's part, event to plan) | %.3f | | | |%n",
          median(oneDiff));
      System.out.printf("| (resync: the bare UAPI get transfer, no parsing) | %.2f | | | |%n",
          median(rawGet));
    } finally {
      if (daemon != null) daemon.close();
      ns.close();
      Files.deleteIfExists(file);
    }
  }

  /** Sends get=1 and reads the reply to its end without parsing it; returns the byte count. */
  static long rawGet(Path socket) throws Exception {
    try (java.nio.channels.SocketChannel ch = java.nio.channels.SocketChannel.open(
        java.net.StandardProtocolFamily.UNIX)) {
      ch.connect(java.net.UnixDomainSocketAddress.of(socket));
      ch.write(java.nio.ByteBuffer.wrap("get=1\n\n".getBytes(
          java.nio.charset.StandardCharsets.US_ASCII)));
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(256 * 1024);
      long total = 0;
      byte p1 = 0;
      while (true) {
        buf.clear();
        int r = ch.read(buf);
        if (r < 0) return total;
        total += r;
        // The reply ends with "errno=N\n\n": stop at a blank line after errno.
        for (int i = 0; i < r; i++) {
          byte b = buf.get(i);
          if (b == '\n' && p1 == '\n') {
            return total;
          }
          p1 = b;
        }
      }
    }
  }

  static void reset(UapiWireGuardBackend backend) throws Exception {
    backend.configure(DEV, DeviceConfig.builder().replacePeers(true).build());
    check(backend.device(DEV).orElseThrow().peers().isEmpty(), "reset");
  }

  static void row(String name, List<Double> a, List<Double> b, List<Double> ratio, String target) {
    System.out.printf("| %s | %.2f | %.2f | %.3f | %s |%n", name, median(a), median(b),
        median(ratio), target);
  }

  static double ms(long t0) {
    return (System.nanoTime() - t0) / 1e6;
  }

  static double last(List<Double> l) {
    return l.get(l.size() - 1);
  }

  static double median(List<Double> l) {
    List<Double> s = new ArrayList<>(l);
    Collections.sort(s);
    int m = s.size() / 2;
    return s.size() % 2 == 1 ? s.get(m) : (s.get(m - 1) + s.get(m)) / 2;
  }

  static void check(boolean ok, String what) {
    if (!ok) throw new IllegalStateException("benchmark precondition failed: " + what);
  }
}
