package io.clusternet.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.Route;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.wg.WgDump;
import java.net.InetAddress;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The kernel backend on the real WireGuard module, with our code alone (no {@code ip link add
 * type wireguard}, no {@code wg set}). Runs in the VM stage ({@code tools/kernel-vm}); skipped,
 * loudly, where the module is absent.
 */
@Tag("kernel")
class KernelWireGuardTest {
  static final int PORT = 51820;
  static final int PROTO = 129;

  final List<NetworkNamespace> nodes = new ArrayList<>();
  final List<NetlinkLinkBackend> links = new ArrayList<>();
  final List<NetlinkWireGuardBackend> wgs = new ArrayList<>();
  final SecureRandom random = new SecureRandom();

  @BeforeEach
  void twoNodesOnAVethPair() throws Exception {
    Prerequisites.requireKernelWireGuard();
    for (int i = 0; i < 2; i++) {
      NetworkNamespace ns = NetworkNamespace.create("cnk-n" + i);
      nodes.add(ns);
      Path path = Path.of("/var/run/netns", ns.name());
      links.add(NetlinkLinkBackend.openIn(path));
      wgs.add(NetlinkWireGuardBackend.openIn(path));
    }
    nodes.get(0).ip("link", "add", "eth0", "type", "veth", "peer", "name", "eth0", "netns",
        nodes.get(1).name());
    for (int i = 0; i < 2; i++) {
      nodes.get(i).ip("addr", "add", "192.0.2." + (i + 1) + "/24", "dev", "eth0");
      nodes.get(i).ip("link", "set", "eth0", "up");
    }
  }

  @AfterEach
  void cleanUp() throws Exception {
    for (NetlinkWireGuardBackend w : wgs) w.close();
    for (NetlinkLinkBackend l : links) l.close();
    for (NetworkNamespace ns : nodes) ns.close(); // deleting the netns deletes its links
  }

  static PrivateKey newKey(SecureRandom random) throws Exception {
    byte[] k = new byte[32];
    random.nextBytes(k);
    k[0] &= (byte) 248;
    k[31] = (byte) ((k[31] & 127) | 64);
    return PrivateKey.fromBytes(k);
  }

  @Test
  void aTunnelBuiltByOurCodeAloneCarriesPings() throws Exception {
    List<PrivateKey> keys = List.of(newKey(random), newKey(random));
    List<PublicKey> pubs = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      LinkInfo wg0 = links.get(i).createLink("wg0", "wireguard", OptionalInt.of(1420),
          OptionalInt.empty());
      assertThat(wg0.kind()).contains("wireguard");
      wgs.get(i).configure("wg0", DeviceConfig.builder().privateKey(keys.get(i)).listenPort(PORT)
          .build());
      pubs.add(wgs.get(i).device("wg0").orElseThrow().publicKey().orElseThrow());
    }
    for (int i = 0; i < 2; i++) {
      int j = 1 - i;
      wgs.get(i).configure("wg0", DeviceConfig.builder().peer(PeerConfig.builder(pubs.get(j))
          .endpoint(Endpoint.parse("192.0.2." + (j + 1) + ":" + PORT))
          .replaceAllowedIps(true)
          .allowedIp(IpPrefix.parse("10.77." + j + ".0/24"))
          .allowedIp(IpPrefix.parse("fd00:77:" + j + "::/64"))
          .build()).build());
      links.get(i).addAddress("wg0", InterfaceAddress.parse("10.77." + i + ".1/32"));
      links.get(i).addAddress("wg0", InterfaceAddress.parse("fd00:77:" + i + "::1/128"));
      links.get(i).setUp("wg0", true);
      links.get(i).replaceRoute(Route.onLink(IpPrefix.parse("10.77.0.0/16"), "wg0", PROTO));
      links.get(i).replaceRoute(Route.onLink(IpPrefix.parse("fd00:77::/32"), "wg0", PROTO));
    }
    assertThat(wgs.get(0).deviceNames()).containsExactly("wg0");
    assertThat(links.get(0).routes(PROTO)).hasSize(2);
    Instant before = Instant.now().minusSeconds(2);
    assertThat(nodes.get(0).reaches("10.77.1.1", 5)).as(diagnostics()).isTrue();
    assertThat(nodes.get(1).reaches("10.77.0.1", 5)).as(diagnostics()).isTrue();
    assertThat(nodes.get(0).reaches("fd00:77:1::1", 5)).as(diagnostics()).isTrue();
    for (int i = 0; i < 2; i++) {
      DeviceState d = wgs.get(i).device("wg0").orElseThrow();
      assertThat(d.listenPort()).isEqualTo(PORT);
      assertThat(d.privateKey()).contains(keys.get(i));
      PeerState p = d.peers().get(0);
      assertThat(p.publicKey()).isEqualTo(pubs.get(1 - i));
      assertThat(p.lastHandshake()).hasValueSatisfying(t -> assertThat(t).isAfter(before));
      assertThat(p.receiveBytes()).isPositive();
      assertThat(p.transmitBytes()).isPositive();
      crossCheckWithWg(nodes.get(i), "wg0", d);
    }
  }

  String diagnostics() {
    StringBuilder b = new StringBuilder();
    try {
      for (NetworkNamespace ns : nodes) {
        b.append("\n--- ").append(ns.name()).append('\n');
        b.append(ns.exec("ip", "addr").output());
        b.append(ns.exec("ip", "route").output());
        b.append(ns.exec("ip", "-6", "route").output());
        b.append(ns.exec("wg", "show").output());
      }
    } catch (Exception e) {
      b.append(e);
    }
    return b.toString();
  }

  static void crossCheckWithWg(NetworkNamespace ns, String dev, DeviceState ours)
      throws Exception {
    WgDump dump = WgDump.parse(ns.exec("wg", "show", dev, "dump").output());
    assertThat(dump.privateKey()).isEqualTo(ours.privateKey().map(PrivateKey::toBase64)
        .orElse("(none)"));
    assertThat(dump.publicKey()).isEqualTo(ours.publicKey().map(PublicKey::toBase64)
        .orElse("(none)"));
    assertThat(dump.listenPort()).isEqualTo(ours.listenPort());
    assertThat(dump.peers()).hasSize(ours.peers().size());
    for (WgDump.Peer d : dump.peers().values()) {
      PeerState p = ours.peer(PublicKey.fromBase64(d.publicKey())).orElse(null);
      assertThat(p).isNotNull();
      assertThat(d.endpoint()).isEqualTo(p.endpoint().map(Endpoint::toString).orElse("(none)"));
      assertThat(Set.copyOf(d.allowedIps())).isEqualTo(p.allowedIps().stream()
          .map(IpPrefix::toString).collect(Collectors.toSet()));
      assertThat(d.latestHandshake())
          .isEqualTo(p.lastHandshake().map(Instant::getEpochSecond).orElse(0L));
    }
  }

  @Test
  void aThousandPeersWithSeveralAllowedIpsAreSetAndDumpedExactly() throws Exception {
    links.get(0).createLink("wgbig", "wireguard", OptionalInt.empty(), OptionalInt.empty());
    DeviceConfig.Builder b = DeviceConfig.builder().privateKey(newKey(random)).listenPort(0);
    Map<PublicKey, PeerConfig> wanted = new HashMap<>();
    for (int k = 0; k < 1000; k++) {
      PublicKey key = PublicKey.fromBytes(newKey(random).toBytes());
      PeerConfig p = PeerConfig.builder(key)
          .endpoint(Endpoint.parse("192.0.2." + (k % 250 + 1) + ":" + (40000 + k)))
          .allowedIp(IpPrefix.parse("10." + (k >> 8) + "." + (k & 255) + ".0/24"))
          .allowedIp(IpPrefix.parse("10.200." + (k >> 8) + "." + (k & 255) + "/32"))
          .allowedIp(IpPrefix.parse("fd00:" + Integer.toHexString(k) + "::/64"))
          .allowedIp(IpPrefix.parse("fd01::" + Integer.toHexString(k + 1) + "/128"))
          .build();
      b.peer(p);
      wanted.put(key, p);
    }
    DeviceConfig config = b.build();
    assertThat(wgs.get(0).messageCount("wgbig", config)).isGreaterThan(10);
    wgs.get(0).configure("wgbig", config);
    DeviceState d = wgs.get(0).device("wgbig").orElseThrow();
    assertThat(d.peers()).hasSize(1000);
    for (PeerState p : d.peers()) {
      PeerConfig w = wanted.get(p.publicKey());
      assertThat(w).isNotNull();
      assertThat(p.endpoint()).isEqualTo(w.endpoint());
      assertThat(Set.copyOf(p.allowedIps())).isEqualTo(Set.copyOf(w.allowedIps()));
    }
    crossCheckWithWg(nodes.get(0), "wgbig", d);
  }

  @Test
  void chunkBoundariesCutPeersAndTheDumpContinuesThem() throws Exception {
    links.get(0).createLink("wgcut", "wireguard", OptionalInt.empty(), OptionalInt.empty());
    // Peer sizes around the 8 KiB budget: one peer with 3,000 IPs (cut across ~11 messages in
    // both directions), then peers with 290 and 291 IPs (about one message each).
    int[] sizes = {3000, 290, 291, 1, 0};
    DeviceConfig.Builder b = DeviceConfig.builder().replacePeers(true);
    Map<PublicKey, List<IpPrefix>> wanted = new HashMap<>();
    int ip = 0;
    for (int size : sizes) {
      PublicKey key = PublicKey.fromBytes(newKey(random).toBytes());
      List<IpPrefix> ips = new ArrayList<>();
      for (int i = 0; i < size; i++, ip++) {
        ips.add(IpPrefix.of(InetAddress.getByAddress(new byte[] {10, 9, (byte) (ip >> 8),
            (byte) ip}), 32));
      }
      b.peer(PeerConfig.builder(key).allowedIps(ips).build());
      wanted.put(key, ips);
    }
    wgs.get(0).configure("wgcut", b.build());
    DeviceState d = wgs.get(0).device("wgcut").orElseThrow();
    assertThat(d.peers()).hasSize(sizes.length);
    for (PeerState p : d.peers()) {
      assertThat(Set.copyOf(p.allowedIps())).isEqualTo(Set.copyOf(wanted.get(p.publicKey())));
      assertThat(p.allowedIps()).hasSameSizeAs(wanted.get(p.publicKey()));
    }
    // Replacing everything with one small peer leaves exactly that peer.
    PublicKey only = PublicKey.fromBytes(newKey(random).toBytes());
    wgs.get(0).configure("wgcut", DeviceConfig.builder().replacePeers(true)
        .peer(PeerConfig.builder(only).allowedIp(IpPrefix.parse("10.1.0.0/16")).build()).build());
    assertThat(wgs.get(0).device("wgcut").orElseThrow().peers())
        .extracting(PeerState::publicKey).containsExactly(only);
  }
}
