package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.kubernetes.client.util.ClientBuilder;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 ("Logs"): each start used to leave a {@code /tmp/wireguard-go-*.log} behind. The
 * service now writes the daemon's output under the storage root's ephemeral tree, and a daemon
 * started without a log file deletes its temporary one when it stops. Real wireguard-go in a
 * network namespace; the interface names carry a random tag, so files of other runs on this
 * machine do not count.
 */
class WireGuardGoLogTest {
  final String iface = "cl" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  @TempDir Path tmp;
  NetworkNamespace ns;

  @BeforeEach
  void namespace() throws Exception {
    Prerequisites.requireRoot("network namespaces and wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"),
        "wireguard-go (apt-get install --no-install-recommends wireguard-go)");
    ns = NetworkNamespace.create("cnl");
  }

  @AfterEach
  void close() throws Exception {
    if (ns != null) ns.close();
  }

  /** This test's interface's temporary logs in the JVM's temporary directory. */
  List<Path> temporaryLogs() throws IOException {
    try (Stream<Path> s = Files.list(Path.of(System.getProperty("java.io.tmpdir")))) {
      return s.filter(p -> p.getFileName().toString().startsWith("wireguard-go-" + iface + "-"))
          .toList();
    }
  }

  @Test
  void aDaemonWithoutALogFileDeletesItsTemporaryOneWhenItStops() throws Exception {
    WireGuardGoProcess daemon = WireGuardGoProcess.builder(iface)
        .networkNamespace(ns.name()).start();
    Path log = daemon.logFile();
    try {
      assertThat(log).exists();
      assertThat(temporaryLogs()).containsExactly(log);
    } finally {
      daemon.stop(java.time.Duration.ofSeconds(5));
    }
    assertThat(log).doesNotExist();
    assertThat(temporaryLogs()).isEmpty();

    WireGuardGoProcess killed = WireGuardGoProcess.builder(iface)
        .networkNamespace(ns.name()).start();
    killed.kill();
    assertThat(killed.logFile()).doesNotExist();
    assertThat(temporaryLogs()).isEmpty();
  }

  @Test
  void theServiceWritesTheDaemonsOutputUnderTheEphemeralTree() throws Exception {
    try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        NetlinkLinkBackend links = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()))) {
      int port = closed.getLocalPort();
      closed.close(); // nothing listens: the API server is unreachable, which does not matter here
      ClusterNet net = ClusterNet.builder()
          .nodeName("n0")
          .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:" + port).build())
          .storageRoot(tmp.resolve("state"))
          .interfaceName(iface)
          .userspace(WireGuardGoProcess.builder(iface).networkNamespace(ns.name()))
          .linkBackend(links)
          .build();
      net.startAsync().awaitRunning();
      Path log = tmp.resolve("state/ephemeral/clusternet/wireguard-go-" + iface + ".log");
      try {
        assertThat(log).exists();
        assertThat(temporaryLogs()).isEmpty();
      } finally {
        net.stopAsync().awaitTerminated();
      }
      assertThat(temporaryLogs()).isEmpty();
    }
  }
}
