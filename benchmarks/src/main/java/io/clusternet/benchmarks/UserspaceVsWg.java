package io.clusternet.benchmarks;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.core.diff.PeerDiff;
import io.clusternet.core.diff.PeerPlan;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.DesiredPeer;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.SortedMap;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.TreeSet;

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
    SplittableRandom r = new SplittableRandom(1);
    SortedMap<PublicKey, DesiredPeer> desired = new TreeMap<>();
    List<PublicKey> keys = new ArrayList<>();
    StringBuilder conf = new StringBuilder("[Interface]\nPrivateKey = " + key.toBase64()
        + "\nListenPort = 51820\n");
    for (int k = 0; k < n; k++) {
      PublicKey pk = Fixtures.key(r);
      keys.add(pk);
      IpPrefix ip = IpPrefix.parse("10." + (k >> 8) + "." + (k & 255) + ".0/24");
      Endpoint ep = Endpoint.of(InetAddress.getByAddress(new byte[] {(byte) 192, 0, 2,
          (byte) (k % 254 + 1)}), 51820);
      desired.put(pk, new DesiredPeer("node-" + k, pk, ep, new TreeSet<>(List.of(ip)),
          Duration.ZERO));
      conf.append("\n[Peer]\nPublicKey = ").append(pk).append("\nAllowedIPs = ").append(ip)
          .append("\nEndpoint = ").append(ep).append('\n');
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
      List<Double> oneOursWithRead = new ArrayList<>();
      List<Double> oneWg = new ArrayList<>();
      List<Double> oneRatio = new ArrayList<>();
      PublicKey changing = keys.get(n / 2);
      for (int round = 0; round < runs + 1; round++) { // round 0 warms up and is dropped
        boolean keep = round > 0;
        // 1. Cold apply onto an empty device.
        reset(backend);
        long t0 = System.nanoTime();
        PeerPlan plan = PeerDiff.compute(desired, backend.device(DEV).orElseThrow(), pk, port);
        backend.configure(DEV, plan.toDeviceConfig());
        double a = ms(t0);
        check(backend.device(DEV).orElseThrow().peers().size() == n, "cold apply");
        reset(backend);
        t0 = System.nanoTime();
        Commands.run("wg", "setconf", DEV, file.toString());
        double b = ms(t0);
        check(backend.device(DEV).orElseThrow().peers().size() == n, "setconf");
        if (keep) {
          coldOurs.add(a);
          coldWg.add(b);
          coldRatio.add(a / b);
        }
        // 2. Resync of an unchanged mesh: our read + diff (zero writes) vs wg syncconf.
        t0 = System.nanoTime();
        DeviceState state = backend.device(DEV).orElseThrow();
        PeerPlan none = PeerDiff.compute(desired, state, pk, port);
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
        // 3. One node changed (its endpoint port flips): our plan + write vs wg set.
        DeviceState current = backend.device(DEV).orElseThrow(); // what the reconciler holds
        int now = current.peer(changing).orElseThrow().endpoint().orElseThrow().port();
        DesiredPeer old = desired.get(changing);
        SortedMap<PublicKey, DesiredPeer> changed = new TreeMap<>(desired);
        changed.put(changing, new DesiredPeer(old.nodeName(), changing,
            Endpoint.of(old.endpoint().address(), now == 51820 ? 51821 : 51820),
            old.allowedIps(), Duration.ZERO));
        t0 = System.nanoTime();
        PeerPlan one = PeerDiff.compute(changed, current, pk, port);
        double diffMs = ms(t0);
        backend.configure(DEV, one.toDeviceConfig());
        a = ms(t0);
        System.err.printf("  one node: diff %.2f ms, write %.2f ms%n", diffMs, a - diffMs);
        check(one.update().size() == 1 && one.add().isEmpty() && one.remove().isEmpty(),
            "one update: " + one.summary());
        // The same change including a fresh read of the device, for the record.
        DesiredPeer back = desired.get(changing);
        SortedMap<PublicKey, DesiredPeer> back2 = new TreeMap<>(changed);
        back2.put(changing, back.endpoint().port() == (now == 51820 ? 51821 : 51820)
            ? new DesiredPeer(back.nodeName(), changing, Endpoint.of(back.endpoint().address(),
                now), back.allowedIps(), Duration.ZERO) : back);
        t0 = System.nanoTime();
        PeerPlan oneRead = PeerDiff.compute(back2, backend.device(DEV).orElseThrow(), pk, port);
        backend.configure(DEV, oneRead.toDeviceConfig());
        double aRead = ms(t0);
        IpPrefix ip = old.allowedIps().first();
        t0 = System.nanoTime();
        Commands.run("wg", "set", DEV, "peer", changing.toBase64(), "endpoint",
            old.endpoint().address().getHostAddress() + ":" + (now == 51820 ? 51822 : 51823),
            "allowed-ips", ip.toString());
        b = ms(t0);
        if (keep) {
          oneOurs.add(a);
          oneOursWithRead.add(aRead);
          oneWg.add(b);
          oneRatio.add(a / b);
        }
        System.err.printf("round %d: cold %.1f/%.1f ms, resync %.1f/%.1f ms, one %.2f (read+%.1f)/%.2f ms%n",
            round, coldOurs.isEmpty() ? 0 : last(coldOurs), coldWg.isEmpty() ? 0 : last(coldWg),
            syncOurs.isEmpty() ? 0 : last(syncOurs), syncWg.isEmpty() ? 0 : last(syncWg),
            oneOurs.isEmpty() ? 0 : last(oneOurs), aRead, oneWg.isEmpty() ? 0 : last(oneWg));
      }
      System.out.printf("%nUserspace backend vs wg(8) on wireguard-go, %d peers, median of %d "
          + "rounds (A B alternating):%n%n", n, runs);
      System.out.println("| case | ours (ms) | wg (ms) | ratio ours/wg (median) | target |");
      System.out.println("|---|---:|---:|---:|---:|");
      row("cold apply onto an empty device vs `wg setconf`", coldOurs, coldWg, coldRatio, "<= 1.0");
      row("resync of an unchanged mesh (read + diff, 0 writes) vs `wg syncconf`", syncOurs,
          syncWg, syncRatio, "<= 0.3");
      row("one node changed (diff against held state + write) vs `wg set`", oneOurs, oneWg,
          oneRatio, "<= 0.15");
      System.out.printf("| (one node changed, with a fresh device read first) | %.2f | | | |%n",
          median(oneOursWithRead));
    } finally {
      if (daemon != null) daemon.close();
      ns.close();
      Files.deleteIfExists(file);
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
