package io.clusternet.netlink;

import static io.clusternet.netlink.wire.WireGuardGenl.*;
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
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The kernel backend against a fake kernel at the bytes seam. */
class NetlinkWireGuardBackendTest {
  static final int FAMILY = 0x1d;

  static PublicKey key(int n) throws Exception {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    b[31] = (byte) (n >> 8);
    return PublicKey.fromBytes(b);
  }

  static NetlinkWireGuardBackend backend(FakeNetlinkSocket genl) throws Exception {
    FakeNetlinkSocket rtnl = new FakeNetlinkSocket(req -> List.of(FakeNetlinkSocket.error(req, -95)));
    return new NetlinkWireGuardBackend(genl, new NetlinkLinkBackend(rtnl), 8192);
  }

  /** A dump message with device attributes (first) and peers with their allowed IPs. */
  static byte[] dumpMessage(NetlinkMessage req, boolean first, int flags, Object... peers)
      throws Exception {
    MessageBuilder b = new MessageBuilder(FAMILY, Netlink.NLM_F_MULTI | flags)
        .genlHeader(WG_CMD_GET_DEVICE, 1);
    if (first) {
      b.attrU16(WGDEVICE_A_LISTEN_PORT, 51820);
      b.attrU32(WGDEVICE_A_FWMARK, 0);
      b.attrU32(WGDEVICE_A_IFINDEX, 7);
      b.attrString(WGDEVICE_A_IFNAME, "wg0");
      b.attrBytes(WGDEVICE_A_PRIVATE_KEY, new byte[32]);
    }
    int peersNest = b.beginNested(WGDEVICE_A_PEERS);
    for (int i = 0; i < peers.length; i += 2) {
      int p = b.beginNested(0);
      b.attrBytes(WGPEER_A_PUBLIC_KEY, ((PublicKey) peers[i]).toBytes());
      if (first) {
        b.attrBytes(WGPEER_A_LAST_HANDSHAKE_TIME, ByteBuffer.allocate(16)
            .order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(1700000000L).putLong(5).array());
        b.attrBytes(0, new byte[4]); // a type-0 pad attribute, as nla_put_u64_64bit may emit
      }
      int ips = b.beginNested(WGPEER_A_ALLOWEDIPS);
      for (String ip : (String[]) peers[i + 1]) {
        IpPrefix prefix = IpPrefix.parse(ip);
        int n = b.beginNested(0);
        b.attrU16(WGALLOWEDIP_A_FAMILY, prefix.isIpv4() ? 2 : 10);
        b.attrBytes(WGALLOWEDIP_A_IPADDR, prefix.addressBytes());
        b.attrU8(WGALLOWEDIP_A_CIDR_MASK, prefix.length());
        b.endNested(n);
      }
      b.endNested(ips);
      b.endNested(p);
    }
    b.endNested(peersNest);
    return b.finish(req.seq(), 0);
  }

  @Test
  void aMissingFamilyIsNotSupported() {
    FakeNetlinkSocket genl = new FakeNetlinkSocket(
        FakeNetlinkSocket.serveFamily("nlctrl", 0x10, req -> List.of()));
    assertThatThrownBy(() -> backend(genl))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.NOT_SUPPORTED);
          assertThat(e.getMessage()).contains("userspace");
        });
    assertThat(genl.closed).isTrue();
  }

  @Test
  void aDumpCutAcrossMessagesIsMergedByPublicKey() throws Exception {
    PublicKey a = key(1);
    PublicKey b = key(2);
    FakeNetlinkSocket genl = new FakeNetlinkSocket(FakeNetlinkSocket.serveFamily("wireguard",
        FAMILY, req -> {
          assertThat(req.type()).isEqualTo(FAMILY);
          assertThat(req.flags()).isEqualTo(Netlink.NLM_F_REQUEST | Netlink.NLM_F_DUMP);
          return List.of(
              dumpMessage(req, true, 0, a, new String[] {"10.0.0.0/24", "10.0.1.0/24"}),
              dumpMessage(req, false, 0, a, new String[] {"10.0.2.0/24"}, b,
                  new String[] {"fd00::/64"}),
              FakeNetlinkSocket.done(req, 0));
        }));
    try (NetlinkWireGuardBackend backend = backend(genl)) {
      DeviceState d = backend.device("wg0").orElseThrow();
      assertThat(d.listenPort()).isEqualTo(51820);
      assertThat(d.privateKey()).isEmpty(); // all-zero key = none
      assertThat(d.peers()).extracting(PeerState::publicKey).containsExactly(a, b);
      assertThat(d.peers().get(0).allowedIps()).extracting(IpPrefix::toString)
          .containsExactly("10.0.0.0/24", "10.0.1.0/24", "10.0.2.0/24");
      assertThat(d.peers().get(0).lastHandshake())
          .contains(Instant.ofEpochSecond(1700000000L, 5));
      assertThat(d.peers().get(1).allowedIps()).extracting(IpPrefix::toString)
          .containsExactly("fd00::/64");
    }
  }

  @Test
  void anInterruptedDumpIsRetried() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    FakeNetlinkSocket genl = new FakeNetlinkSocket(FakeNetlinkSocket.serveFamily("wireguard",
        FAMILY, req -> {
          int call = calls.incrementAndGet();
          int flags = call == 1 ? Netlink.NLM_F_DUMP_INTR : 0;
          return List.of(dumpMessage(req, true, flags, key(call), new String[] {"10.0.0.0/8"}),
              FakeNetlinkSocket.done(req, flags));
        }));
    try (NetlinkWireGuardBackend backend = backend(genl)) {
      DeviceState d = backend.device("wg0").orElseThrow();
      assertThat(calls.get()).isEqualTo(2);
      assertThat(d.peers()).extracting(PeerState::publicKey).containsExactly(key(2));
    }
  }

  @Test
  void noSuchDeviceAndNotAWireGuardDeviceAreEmpty() throws Exception {
    AtomicInteger errno = new AtomicInteger(-19);
    FakeNetlinkSocket genl = new FakeNetlinkSocket(FakeNetlinkSocket.serveFamily("wireguard",
        FAMILY, req -> List.of(FakeNetlinkSocket.error(req, errno.get()))));
    try (NetlinkWireGuardBackend backend = backend(genl)) {
      assertThat(backend.device("nope")).isEmpty();
      errno.set(-95);
      assertThat(backend.device("eth0")).isEmpty();
      errno.set(-1);
      assertThatThrownBy(() -> backend.device("wg0"))
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.PERMISSION_DENIED);
            assertThat(e.errno()).hasValue(1);
          });
      errno.set(-19);
      assertThatThrownBy(() -> backend.configure("nope", DeviceConfig.builder().listenPort(1)
              .build()))
          .isInstanceOfSatisfying(BackendException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    }
  }

  @Test
  void extendedAckTextReachesTheMessage() throws Exception {
    FakeNetlinkSocket genl = new FakeNetlinkSocket(FakeNetlinkSocket.serveFamily("wireguard",
        FAMILY, req -> List.of(FakeNetlinkSocket.errorWithMessage(req, -22, "bad attribute"))));
    try (NetlinkWireGuardBackend backend = backend(genl)) {
      assertThatThrownBy(() -> backend.configure("wg0", DeviceConfig.builder().listenPort(1)
              .build()))
          .isInstanceOfSatisfying(BackendException.class, e -> {
            assertThat(e.reason()).isEqualTo(Reason.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("bad attribute").contains("configuring wg0");
          });
    }
  }

  @Test
  void configureSendsEveryPackedMessageAndWaitsForEachAck() throws Exception {
    AtomicInteger sets = new AtomicInteger();
    FakeNetlinkSocket genl = new FakeNetlinkSocket(FakeNetlinkSocket.serveFamily("wireguard",
        FAMILY, req -> {
          assertThat(req.flags()).isEqualTo(Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK);
          assertThat(req.payload().remaining() + Netlink.NLMSG_HDRLEN).isLessThanOrEqualTo(8192);
          sets.incrementAndGet();
          return List.of(FakeNetlinkSocket.error(req, 0));
        }));
    DeviceConfig.Builder config = DeviceConfig.builder().privateKey(
        PrivateKey.fromBytes(new byte[] {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16,
            17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}));
    for (int i = 0; i < 1000; i++) {
      config.peer(PeerConfig.builder(key(i + 1))
          .endpoint(Endpoint.parse("192.0.2.1:51820"))
          .persistentKeepalive(Duration.ofSeconds(25))
          .allowedIp(IpPrefix.parse("10." + (i >> 8) + "." + (i & 255) + ".0/24")).build());
    }
    try (NetlinkWireGuardBackend backend = backend(genl)) {
      DeviceConfig c = config.build();
      backend.configure("wg0", c);
      assertThat(sets.get()).isEqualTo(backend.messageCount("wg0", c)).isGreaterThan(1);
    }
  }

  @Test
  void theRealKernelHereHasNoWireGuardFamily() {
    // This machine's kernel has no WireGuard module (the VM stage tests the real one). Opening the
    // kernel backend must say so with NOT_SUPPORTED, so the service can fall back to userspace.
    boolean moduleLoaded = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/module/wireguard"));
    if (moduleLoaded) {
      assertThat(NetlinkWireGuardBackend.isSupported()).isTrue();
      return;
    }
    assertThatThrownBy(NetlinkWireGuardBackend::open)
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SUPPORTED));
    assertThat(NetlinkWireGuardBackend.isSupported()).isFalse();
  }
}
