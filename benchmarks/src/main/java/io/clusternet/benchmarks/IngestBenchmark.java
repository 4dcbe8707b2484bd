package io.clusternet.benchmarks;

import io.clusternet.core.ClusterNet;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.k8s.FakeApiServer;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;

/**
 * End to end: an API server holding N nodes, then a ClusterNet (informer, mapping, diffing, a
 * kernel-faithful fake device) started against it; measures start → plan applied (all N-1 peers
 * on the device), and the heap after GC with the service running, minus the heap the API server
 * alone used (both live in this JVM).
 *
 * <p>{@code java -Xmx1g -cp benchmarks/target/clusternet-benchmarks.jar
 * io.clusternet.benchmarks.IngestBenchmark 10000}
 */
public final class IngestBenchmark {
  private IngestBenchmark() {}

  static long usedAfterGc(MemoryMXBean mem) throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      Thread.sleep(200);
    }
    return mem.getHeapMemoryUsage().getUsed();
  }

  public static void main(String[] args) throws Exception {
    int n = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
    MemoryMXBean mem = ManagementFactory.getMemoryMXBean();
    try (FakeApiServer api = FakeApiServer.startOnRandomPort()) {
      SplittableRandom r = new SplittableRandom(3);
      long t0 = System.nanoTime();
      api.createNode("node-0", "10.0.0.1", List.of("100.64.0.0/24"), null);
      for (int i = 1; i < n; i++) {
        String ip = "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
        String cidr = "100." + (64 + ((i >> 8) & 63)) + "." + (i & 255) + ".0/24";
        api.createNode("node-" + i, ip, List.of(cidr),
            Map.of(ClusterNet.DEFAULT_ANNOTATION, Fixtures.key(r).toBase64()));
      }
      System.err.printf("seeded %d nodes in %.1f s%n", n, (System.nanoTime() - t0) / 1e9);
      long serverOnly = usedAfterGc(mem);

      ApiClient client = new ClientBuilder().setBasePath(api.url()).build();
      FakeWireGuardBackend wg = new FakeWireGuardBackend(X25519::publicKey);
      wg.createDevice("clusternet");
      Path root = Files.createTempDirectory("clusternet-ingest-");
      ClusterNet net = ClusterNet.builder().nodeName("node-0").kubernetes(client)
          .storageRoot(root).backends(wg, Optional.empty())
          .resyncPeriod(Duration.ofMinutes(10)).build();
      long start = System.nanoTime();
      net.startAsync().awaitRunning();
      while (wg.device("clusternet").orElseThrow().peers().size() < n - 1) Thread.sleep(5);
      double applied = (System.nanoTime() - start) / 1e6;
      long withService = usedAfterGc(mem);
      System.out.printf("| %d | %.0f | %.1f | %.1f | %.1f |%n", n, applied,
          serverOnly / 1048576.0, withService / 1048576.0,
          (withService - serverOnly) / 1048576.0);
      net.stopAsync().awaitTerminated();
    }
    System.exit(0);
  }
}
