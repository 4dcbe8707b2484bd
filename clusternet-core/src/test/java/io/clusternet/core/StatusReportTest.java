package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.core.ClusterNetIncrementalTest.CountingSource;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.NodeInfo;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** status() and health() each read the device once (issue 16 item 5: it was read twice). */
class StatusReportTest {
  @TempDir Path tmp;

  /** Counts device reads made by the test's own thread (the service's threads read too). */
  static final class CountingBackend implements WireGuardBackend {
    final FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
    final Thread counted = Thread.currentThread();
    final AtomicInteger reads = new AtomicInteger();

    @Override
    public List<String> deviceNames() throws BackendException {
      return fake.deviceNames();
    }

    @Override
    public Optional<DeviceState> device(String name) throws BackendException {
      if (Thread.currentThread() == counted) reads.incrementAndGet();
      return fake.device(name);
    }

    @Override
    public void configure(String name, DeviceConfig config) throws BackendException {
      fake.configure(name, config);
    }

    @Override
    public void close() {
      fake.close();
    }
  }

  @Test
  void statusReadsTheDeviceOnceHealthNever() throws Exception {
    CountingBackend wg = new CountingBackend();
    wg.fake.createDevice("clusternet");
    CountingSource source = new CountingSource();
    source.upsert(new NodeInfo("n0", Instant.EPOCH, Map.of(), List.of("192.0.2.1"),
        List.of("10.244.0.0/24")));
    ClusterNet net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:1").build())
        .storageRoot(tmp.resolve("state"))
        .backends(wg, Optional.empty())
        .nodeSource(source)
        .apiCallTimeout(Duration.ofSeconds(1))
        .build();
    net.startAsync().awaitRunning();
    try {
      int before = wg.reads.get();
      ClusterNetStatus status = net.status();
      assertThat(wg.reads.get() - before).as("device reads by status()").isEqualTo(1);
      assertThat(status.health().deviceUp()).isTrue();
      before = wg.reads.get();
      assertThat(net.health().deviceUp()).isTrue();
      // health() reports the watchdog's last check: a hung daemon cannot block it (FrozenDaemonTest).
      assertThat(wg.reads.get() - before).as("device reads by health()").isZero();
    } finally {
      net.stopAsync().awaitTerminated();
    }
  }
}
