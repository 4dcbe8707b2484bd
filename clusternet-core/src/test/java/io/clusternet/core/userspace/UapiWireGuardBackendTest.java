package io.clusternet.core.userspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.Underlay;
import io.clusternet.testing.wg.WgDump;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The userspace backend against real wireguard-go daemons in network namespaces joined by a
 * bridge: configured with our backend alone (no {@code wg setconf}), pinged across the tunnels,
 * read back, and cross-checked against {@code wg show dump}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class UapiWireGuardBackendTest {
  static final int NODES = 3;
  static final int PORT = 51820;

  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  final List<NetworkNamespace> namespaces = new ArrayList<>();
  final List<WireGuardGoProcess> daemons = new ArrayList<>();
  final List<PrivateKey> keys = new ArrayList<>();
  final UapiWireGuardBackend backend = UapiWireGuardBackend.create();
  Underlay underlay;

  String iface(int i) {
    return "cn" + tag + "n" + i; // distinct names: /var/run/wireguard is shared by all netns
  }

  static String underlayIp(int i) {
    return "192.0.2." + (i + 1);
  }

  static String tunnelIp(int i) {
    return "10.77.0." + (i + 1);
  }

  @BeforeAll
  void startMesh() throws Exception {
    Prerequisites.requireRoot("network namespaces and wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"),
        "wireguard-go (apt-get install --no-install-recommends wireguard-go)");
    Prerequisites.require(Prerequisites.onPath("wg"), "the wg tool (wireguard-tools)");
    Prerequisites.require(Prerequisites.onPath("ping"), "ping (iputils-ping)");
    underlay = Underlay.create();
    for (int i = 0; i < NODES; i++) {
      NetworkNamespace ns = NetworkNamespace.create("cnt-n" + i);
      namespaces.add(ns);
      underlay.attach(ns, underlayIp(i) + "/24");
      daemons.add(WireGuardGoProcess.builder(iface(i)).networkNamespace(ns.name()).start());
      keys.add(X25519.generatePrivateKey());
    }
  }

  @AfterAll
  void stopEverything() throws Exception {
    for (WireGuardGoProcess d : daemons) d.close(); // by PID, before the namespaces go
    for (NetworkNamespace ns : namespaces) ns.close();
    if (underlay != null) underlay.close();
  }

  DeviceConfig meshConfig(int i) {
    DeviceConfig.Builder b = DeviceConfig.builder().privateKey(keys.get(i)).listenPort(PORT)
        .replacePeers(true);
    for (int j = 0; j < NODES; j++) {
      if (j == i) continue;
      try {
        b.peer(PeerConfig.builder(X25519.publicKey(keys.get(j)))
            .endpoint(Endpoint.parse(underlayIp(j) + ":" + PORT))
            .replaceAllowedIps(true)
            .allowedIp(IpPrefix.parse(tunnelIp(j) + "/32"))
            .build());
      } catch (Exception e) {
        throw new AssertionError(e);
      }
    }
    return b.build();
  }

  @Test
  @Order(1)
  void aMeshConfiguredByOurBackendAloneCarriesPings() throws Exception {
    for (int i = 0; i < NODES; i++) {
      backend.configure(iface(i), meshConfig(i));
      namespaces.get(i).ip("addr", "add", tunnelIp(i) + "/24", "dev", iface(i));
      namespaces.get(i).ip("link", "set", iface(i), "up");
    }
    Instant before = Instant.now().minusSeconds(1);
    for (int i = 0; i < NODES; i++) {
      for (int j = 0; j < NODES; j++) {
        if (i != j) {
          assertThat(namespaces.get(i).reaches(tunnelIp(j), 5))
              .as("ping %s -> %s", i, j).isTrue();
        }
      }
    }
    for (int i = 0; i < NODES; i++) {
      DeviceState state = backend.device(iface(i)).orElseThrow();
      assertThat(state.listenPort()).isEqualTo(PORT);
      assertThat(state.privateKey()).contains(keys.get(i));
      assertThat(state.publicKey()).contains(X25519.publicKey(keys.get(i)));
      assertThat(state.peers()).hasSize(NODES - 1);
      for (PeerState peer : state.peers()) {
        assertThat(peer.lastHandshake()).as("handshake with %s", peer.publicKey())
            .hasValueSatisfying(t -> assertThat(t).isAfter(before));
        assertThat(peer.receiveBytes()).isPositive();
        assertThat(peer.transmitBytes()).isPositive();
        assertThat(peer.endpoint()).isPresent();
      }
    }
  }

  @Test
  @Order(2)
  void ourViewMatchesWgShowDump() throws Exception {
    for (int i = 0; i < NODES; i++) {
      DeviceState ours = backend.device(iface(i)).orElseThrow();
      WgDump dump = WgDump.parse(Commands.run("wg", "show", iface(i), "dump"));
      DeviceState again = backend.device(iface(i)).orElseThrow();
      assertThat(dump.privateKey()).isEqualTo(ours.privateKey().orElseThrow().toBase64());
      assertThat(dump.publicKey()).isEqualTo(ours.publicKey().orElseThrow().toBase64());
      assertThat(dump.listenPort()).isEqualTo(ours.listenPort());
      assertThat(dump.fwmark()).isEqualTo("off");
      assertThat(dump.peers()).hasSize(ours.peers().size());
      for (WgDump.Peer d : dump.peers().values()) {
        PeerState p = ours.peer(PublicKey.fromBase64(d.publicKey())).orElse(null);
        PeerState later = again.peer(PublicKey.fromBase64(d.publicKey())).orElseThrow();
        assertThat(p).as("peer %s", d.publicKey()).isNotNull();
        assertThat(d.presharedKey()).isEqualTo("(none)");
        assertThat(d.endpoint()).isEqualTo(p.endpoint().map(Endpoint::toString).orElse("(none)"));
        assertThat(d.allowedIps()).isEqualTo(p.allowedIps().stream().map(IpPrefix::toString)
            .toList());
        assertThat(d.latestHandshake())
            .isEqualTo(p.lastHandshake().map(Instant::getEpochSecond).orElse(0L));
        // Counters may move between the three reads (late keepalives): bracket them.
        assertThat(d.receiveBytes()).isBetween(p.receiveBytes(), later.receiveBytes());
        assertThat(d.transmitBytes()).isBetween(p.transmitBytes(), later.transmitBytes());
        assertThat(d.persistentKeepalive()).isEqualTo("off");
      }
    }
  }

  @Test
  @Order(3)
  void errorsAreTypedAndTheDeviceStaysUsable() throws Exception {
    String dev = iface(0);
    String peer = X25519.publicKey(keys.get(1)).toHex();
    assertThatThrownBy(() -> backend.setRaw(dev, List.of("no_such_key=1")))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
          assertThat(e.errno()).hasValue(22);
          assertThat(e.operation()).isEqualTo("configuring " + dev);
        });
    assertThatThrownBy(() -> backend.setRaw(dev,
            List.of("public_key=" + peer, "allowed_ip=10.77.0.2/33")))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT));
    // Our own types refuse an invalid prefix before anything is sent.
    assertThatThrownBy(() -> IpPrefix.parse("10.77.0.2/33"))
        .isInstanceOf(io.clusternet.api.net.AddressFormatException.class);

    // Node 1's port is taken in node 0's namespace by a second daemon.
    WireGuardGoProcess squatter = WireGuardGoProcess.builder("cn" + tag + "sq")
        .networkNamespace(namespaces.get(0).name()).start();
    try {
      backend.configure(squatter.interfaceName(), DeviceConfig.builder().listenPort(51999).build());
      assertThatThrownBy(() -> backend.configure(dev,
              DeviceConfig.builder().listenPort(51999).build()))
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.ADDRESS_IN_USE);
            assertThat(e.errno()).hasValue(98);
          });
    } finally {
      squatter.close();
    }
    // wireguard-go drops its socket after a failed port change; setting the port again repairs it.
    backend.configure(dev, DeviceConfig.builder().listenPort(PORT).build());
    DeviceState state = backend.device(dev).orElseThrow();
    assertThat(state.listenPort()).isEqualTo(PORT);
    assertThat(state.peers()).hasSize(NODES - 1);
    assertThat(namespaces.get(0).reaches(tunnelIp(1), 5)).isTrue();
    assertThat(namespaces.get(1).reaches(tunnelIp(0), 5)).isTrue();
  }

  @Test
  @Order(4)
  void unknownDevicesAreNotFound() throws Exception {
    assertThat(backend.device("cn" + tag + "none")).isEmpty();
    assertThatThrownBy(() -> backend.configure("cn" + tag + "none", DeviceConfig.builder().build()))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    assertThat(backend.deviceNames()).contains(iface(0), iface(1), iface(2));
  }

  @Test
  @Order(5)
  void tenThousandPeersAreSetAndReadBackExactly() throws Exception {
    String dev = "cn" + tag + "big";
    try (WireGuardGoProcess big = WireGuardGoProcess.builder(dev)
        .networkNamespace(namespaces.get(2).name()).start()) {
      SecureRandom random = new SecureRandom();
      List<PeerConfig> peers = new ArrayList<>();
      Map<PublicKey, PeerConfig> wanted = new HashMap<>();
      for (int k = 0; k < 10_000; k++) {
        byte[] raw = new byte[32];
        random.nextBytes(raw);
        PublicKey key = PublicKey.fromBytes(raw);
        PeerConfig p = PeerConfig.builder(key)
            .endpoint(Endpoint.parse("192.0.2." + (k % 254 + 1) + ":" + (40000 + k % 1000)))
            .allowedIp(IpPrefix.parse("10." + (k >> 8) + "." + (k & 255) + ".0/24"))
            .allowedIp(IpPrefix.parse("fd00:" + Integer.toHexString(k) + "::/64"))
            .build();
        peers.add(p);
        wanted.put(key, p);
      }
      backend.configure(dev, DeviceConfig.builder().privateKey(X25519.generatePrivateKey())
          .listenPort(0).peers(peers).build());
      DeviceState state = backend.device(dev).orElseThrow();
      assertThat(state.peers()).hasSize(10_000);
      for (PeerState p : state.peers()) {
        PeerConfig w = wanted.get(p.publicKey());
        assertThat(w).isNotNull();
        assertThat(p.endpoint()).isEqualTo(w.endpoint());
        assertThat(Set.copyOf(p.allowedIps())).isEqualTo(Set.copyOf(w.allowedIps()));
      }
      assertThat(Commands.run("wg", "show", dev, "dump").lines().count()).isEqualTo(10_001);
      assertThat(big.stop(Duration.ofSeconds(10))).isZero();
    }
  }

  @Test
  @Order(6)
  void aKilledDaemonsStaleSocketIsNoDeviceAndARestartWorks(@TempDir Path tmp) throws Exception {
    String dev = "cn" + tag + "k";
    WireGuardGoProcess first = WireGuardGoProcess.builder(dev)
        .networkNamespace(namespaces.get(1).name()).start();
    first.kill();
    assertThat(Files.exists(first.socketPath())).as("stale socket file").isTrue();
    assertThat(backend.device(dev)).isEmpty();
    try (WireGuardGoProcess second = WireGuardGoProcess.builder(dev)
        .networkNamespace(namespaces.get(1).name()).start()) {
      assertThat(backend.device(dev)).isPresent();
    }
  }

  /** Sockets this JVM holds open, from /proc/self/fd. */
  private static long openSockets() throws Exception {
    try (var fds = Files.list(Path.of("/proc/self/fd"))) {
      return fds.filter(f -> {
        try {
          return Files.readSymbolicLink(f).toString().startsWith("socket:");
        } catch (Exception e) {
          return false; // closed while listing
        }
      }).count();
    }
  }

  @Test
  @Order(8)
  void oneConnectionIsKeptPerDeviceAndADeadOneIsReplacedTransparently() throws Exception {
    String dev = "cn" + tag + "r";
    UapiWireGuardBackend own = UapiWireGuardBackend.create();
    try {
      WireGuardGoProcess first = WireGuardGoProcess.builder(dev)
          .networkNamespace(namespaces.get(1).name()).start();
      long before = openSockets();
      own.configure(dev, DeviceConfig.builder().listenPort(52100).build());
      assertThat(openSockets()).as("one connection kept after a clean reply").isEqualTo(before + 1);
      for (int i = 0; i < 20; i++) {
        own.configure(dev, DeviceConfig.builder().listenPort(52100 + i).build());
        assertThat(own.device(dev).orElseThrow().listenPort()).isEqualTo(52100 + i);
      }
      assertThat(openSockets()).as("reused, not one per operation").isEqualTo(before + 1);
      // The daemon dies and another takes its place: the kept connection is dead; the next
      // operations go to the new daemon without an error.
      first.kill();
      try (WireGuardGoProcess second = WireGuardGoProcess.builder(dev)
          .networkNamespace(namespaces.get(1).name()).start()) {
        own.configure(dev, DeviceConfig.builder().listenPort(52200).build());
        assertThat(own.device(dev).orElseThrow().listenPort()).isEqualTo(52200);
        assertThat(openSockets()).isEqualTo(before + 1);
      }
      // And gone for good: the kept connection is dead, and there is no device.
      assertThat(own.device(dev)).isEmpty();
      // A failed request never leaves its connection behind.
      try (WireGuardGoProcess third = WireGuardGoProcess.builder(dev)
          .networkNamespace(namespaces.get(1).name()).start()) {
        assertThatThrownBy(() -> own.setRaw(dev, List.of("bogus_key=1")))
            .isInstanceOf(BackendException.class);
        assertThat(own.device(dev)).isPresent();
        assertThat(openSockets()).isEqualTo(before + 1);
        own.close();
        assertThat(openSockets()).as("close() closes the kept connection").isEqualTo(before);
        assertThat(own.device(dev)).as("and the backend stays usable").isPresent();
      }
    } finally {
      own.close();
    }
  }

  @Test
  @Order(7)
  void perDaemonSocketDirectoriesLetNamespacesShareAnInterfaceName(@TempDir Path tmp)
      throws Exception {
    List<WireGuardGoProcess> wg0s = new ArrayList<>();
    try {
      for (int i = 0; i < 2; i++) {
        wg0s.add(WireGuardGoProcess.builder("wg0").networkNamespace(namespaces.get(i).name())
            .socketDirectory(tmp.resolve("n" + i)).start());
      }
      for (int i = 0; i < 2; i++) {
        UapiWireGuardBackend own = UapiWireGuardBackend.create(wg0s.get(i).socketDirectory());
        own.configure("wg0", DeviceConfig.builder().listenPort(52000 + i).build());
        assertThat(own.device("wg0").orElseThrow().listenPort()).isEqualTo(52000 + i);
        assertThat(own.deviceNames()).containsExactly("wg0");
      }
      assertThat(Files.exists(UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY.resolve("wg0.sock")))
          .as("nothing leaks into the shared directory").isFalse();
    } finally {
      for (WireGuardGoProcess d : wg0s) d.close();
    }
  }
}
