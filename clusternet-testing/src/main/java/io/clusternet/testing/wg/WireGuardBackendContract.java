package io.clusternet.testing.wg;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.Errno;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One set of cases every {@link WireGuardBackend} must pass: the same cases run against {@link
 * FakeWireGuardBackend}, against real wireguard-go ({@code clusternet-core}) and against the
 * kernel module in the VM stage ({@code clusternet-netlink-jna}, tag {@code kernel}). Where the
 * fake and a real implementation disagree, the real one is right and the fake is fixed.
 *
 * <p>A subclass supplies the backend and fresh, empty devices; the contract compares peers by key
 * and allowed IPs as sets, because wireguard-go reports peers in map order.
 */
public abstract class WireGuardBackendContract {
  /** RFC 7748 section 6.1: Alice's private scalar (not clamped) and her public key. */
  static final String RFC7748_PRIVATE =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";

  static final String RFC7748_PUBLIC =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

  private final SecureRandom random = new SecureRandom();
  private final List<String> created = new ArrayList<>();

  /** The backend under test; the same instance for the whole test. */
  protected abstract WireGuardBackend backend() throws Exception;

  /**
   * Creates a fresh, empty device (no key, no port, no peers) that {@link #backend()} can see,
   * under a name unused so far, and returns the name.
   */
  protected abstract String newDevice() throws Exception;

  /** Deletes a device made by {@link #newDevice()}. */
  protected abstract void deleteDevice(String name) throws Exception;

  /** A device name that exists nowhere. */
  protected String missingDeviceName() {
    return "cnx" + HexFormat.of().formatHex(random.generateSeed(4));
  }

  @AfterEach
  void deleteDevices() throws Exception {
    for (String name : created) deleteDevice(name);
    created.clear();
  }

  private String device() throws Exception {
    String name = newDevice();
    created.add(name);
    return name;
  }

  private DeviceState read(String name) throws Exception {
    return backend().device(name).orElseThrow(() -> new AssertionError("no device " + name));
  }

  private PeerState peer(String name, PublicKey key) throws Exception {
    return read(name).peer(key).orElseThrow(() -> new AssertionError("no peer " + key));
  }

  private PublicKey randomPublicKey() throws KeyFormatException {
    byte[] b = new byte[32];
    random.nextBytes(b);
    b[0] |= 1; // never all-zero
    return PublicKey.fromBytes(b);
  }

  private static IpPrefix prefix(String text) {
    try {
      return IpPrefix.parse(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Endpoint endpoint(String text) {
    try {
      return Endpoint.parse(text);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private static Set<IpPrefix> ips(PeerState p) {
    return Set.copyOf(p.allowedIps());
  }

  private void configure(String name, DeviceConfig config) throws Exception {
    backend().configure(name, config);
  }

  private void configure(String name, PeerConfig... peers) throws Exception {
    configure(name, DeviceConfig.builder().peers(List.of(peers)).build());
  }

  // ---- devices

  @Test
  void aNewDeviceReadsEmpty() throws Exception {
    String name = device();
    DeviceState d = read(name);
    assertEquals(name, d.name());
    assertEquals(Optional.empty(), d.privateKey());
    assertEquals(Optional.empty(), d.publicKey());
    // The kernel reports 0 until a port is set; wireguard-go binds a random port at start.
    assertTrue(d.listenPort() >= 0, "listen port " + d.listenPort());
    assertEquals(0, d.firewallMark());
    assertEquals(List.of(), d.peers());
    assertTrue(backend().deviceNames().contains(name), "deviceNames lists " + name);
  }

  @Test
  void theKeyIsKeptClampedAndItsPublicKeyReported() throws Exception {
    String name = device();
    PrivateKey unclamped = PrivateKey.fromHex(RFC7748_PRIVATE);
    configure(name, DeviceConfig.builder().privateKey(unclamped).build());
    DeviceState d = read(name);
    byte[] clamped = unclamped.toBytes();
    clamped[0] &= (byte) 248;
    clamped[31] = (byte) ((clamped[31] & 127) | 64);
    assertEquals(Optional.of(PrivateKey.fromBytes(clamped)), d.privateKey());
    assertEquals(Optional.of(PublicKey.fromHex(RFC7748_PUBLIC)), d.publicKey());
  }

  @Test
  void theListenPortAndFwmarkAreSetAndCleared() throws Exception {
    String name = device();
    int port = 20000 + random.nextInt(20000);
    configure(name, DeviceConfig.builder().listenPort(port).firewallMark(0x51).build());
    assertEquals(port, read(name).listenPort());
    assertEquals(0x51, read(name).firewallMark());
    configure(name, DeviceConfig.builder().firewallMark(0).build());
    assertEquals(0, read(name).firewallMark());
    assertEquals(port, read(name).listenPort(), "an unset port is left alone");
  }

  @Test
  void aMissingDeviceIsEmptyOnReadAndNotFoundOnWrite() throws Exception {
    String name = missingDeviceName();
    assertEquals(Optional.empty(), backend().device(name));
    assertFalse(backend().deviceNames().contains(name));
    BackendException e = assertThrows(BackendException.class, () -> configure(name,
        DeviceConfig.builder().peer(PeerConfig.builder(randomPublicKey()).build()).build()));
    assertEquals(BackendException.Reason.NOT_FOUND, e.reason());
    // The kernel answers ENODEV; wireguard-go has no socket to answer, so there is no errno.
    assertTrue(e.errno().isEmpty() || Errno.ENODEV.is(e.errno().getAsInt()),
        "errno " + e.errno());
  }

  // ---- peers

  @Test
  void peersAreAddedReplacedAndRemoved() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    PublicKey b = randomPublicKey();
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build(),
        PeerConfig.builder(b).allowedIp(prefix("10.2.0.0/24")).build());
    assertEquals(Set.of(a, b), keys(read(name)));
    assertEquals(Set.of(prefix("10.1.0.0/24")), ips(peer(name, a)));

    PublicKey c = randomPublicKey();
    configure(name, DeviceConfig.builder().replacePeers(true)
        .peer(PeerConfig.builder(c).allowedIp(prefix("10.3.0.0/24")).build()).build());
    assertEquals(Set.of(c), keys(read(name)), "replacePeers leaves only the listed peers");

    configure(name, PeerConfig.removal(c));
    assertEquals(List.of(), read(name).peers());
  }

  @Test
  void removingAnAbsentPeerChangesNothing() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    configure(name, PeerConfig.removal(randomPublicKey()));
    assertEquals(Set.of(a), keys(read(name)));
  }

  @Test
  void allowedIpsAreAddedUnlessReplacedAndMoveBetweenPeers() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    PublicKey b = randomPublicKey();
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    configure(name, PeerConfig.builder(a).allowedIp(prefix("fd00:1::/64")).build());
    assertEquals(Set.of(prefix("10.1.0.0/24"), prefix("fd00:1::/64")), ips(peer(name, a)),
        "without replaceAllowedIps, IPs are added");

    configure(name, PeerConfig.builder(a).replaceAllowedIps(true)
        .allowedIp(prefix("10.9.0.0/16")).build());
    assertEquals(Set.of(prefix("10.9.0.0/16")), ips(peer(name, a)));

    configure(name, PeerConfig.builder(b).allowedIp(prefix("10.9.0.0/16")).build());
    assertEquals(Set.of(), ips(peer(name, a)), "an allowed IP moves to its new peer");
    assertEquals(Set.of(prefix("10.9.0.0/16")), ips(peer(name, b)));

    configure(name, PeerConfig.builder(b).replaceAllowedIps(true).build());
    assertEquals(Set.of(), ips(peer(name, b)), "replacing with nothing clears");
  }

  @Test
  void updateOnlyChangesAnExistingPeerAndNeverCreatesOne() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    configure(name, PeerConfig.builder(a).updateOnly(true).allowedIp(prefix("10.1.0.0/24"))
        .build());
    assertEquals(List.of(), read(name).peers());

    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    configure(name, PeerConfig.builder(a).updateOnly(true)
        .endpoint(endpoint("192.0.2.7:51820")).build());
    PeerState p = peer(name, a);
    assertEquals(Optional.of(endpoint("192.0.2.7:51820")), p.endpoint());
    assertEquals(Set.of(prefix("10.1.0.0/24")), ips(p));
  }

  @Test
  void endpointsAreIpv4OrIpv6AndStayWhenUnset() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    PublicKey b = randomPublicKey();
    configure(name, PeerConfig.builder(a).endpoint(endpoint("192.0.2.1:51820")).build(),
        PeerConfig.builder(b).endpoint(endpoint("[2001:db8::1]:443")).build());
    assertEquals(Optional.of(endpoint("192.0.2.1:51820")), peer(name, a).endpoint());
    assertEquals(Optional.of(endpoint("[2001:db8::1]:443")), peer(name, b).endpoint());

    configure(name, PeerConfig.builder(a).endpoint(endpoint("[2001:db8::2]:1")).build());
    assertEquals(Optional.of(endpoint("[2001:db8::2]:1")), peer(name, a).endpoint());
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    assertEquals(Optional.of(endpoint("[2001:db8::2]:1")), peer(name, a).endpoint());
  }

  @Test
  void keepaliveIsSetToSecondsAndZeroTurnsItOff() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    configure(name, PeerConfig.builder(a).build());
    assertEquals(Duration.ZERO, peer(name, a).persistentKeepalive());
    configure(name, PeerConfig.builder(a).persistentKeepalive(Duration.ofSeconds(25)).build());
    assertEquals(Duration.ofSeconds(25), peer(name, a).persistentKeepalive());
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    assertEquals(Duration.ofSeconds(25), peer(name, a).persistentKeepalive(),
        "an unset keepalive is left alone");
    configure(name, PeerConfig.builder(a).persistentKeepalive(Duration.ZERO).build());
    assertEquals(Duration.ZERO, peer(name, a).persistentKeepalive());
  }

  @Test
  void aPresharedKeyIsSetAndAnAllZeroKeyClearsIt() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    configure(name, PeerConfig.builder(a).build());
    assertEquals(Optional.empty(), peer(name, a).presharedKey());
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    bytes[0] |= 1;
    PresharedKey psk = PresharedKey.fromBytes(bytes);
    configure(name, PeerConfig.builder(a).presharedKey(psk).build());
    assertEquals(Optional.of(psk), peer(name, a).presharedKey());
    configure(name, PeerConfig.builder(a).allowedIp(prefix("10.1.0.0/24")).build());
    assertEquals(Optional.of(psk), peer(name, a).presharedKey(), "an unset PSK is left alone");
    configure(name, PeerConfig.builder(a).presharedKey(PresharedKey.fromBytes(new byte[32]))
        .build());
    assertEquals(Optional.empty(), peer(name, a).presharedKey());
  }

  @Test
  void aNeverHandshakedPeerHasNoHandshakeNoTrafficAndProtocolOne() throws Exception {
    String name = device();
    PublicKey a = randomPublicKey();
    configure(name, PeerConfig.builder(a).endpoint(endpoint("192.0.2.1:51820"))
        .allowedIp(prefix("10.1.0.0/24")).build());
    PeerState p = peer(name, a);
    assertEquals(Optional.empty(), p.lastHandshake());
    assertEquals(0, p.receiveBytes());
    assertEquals(0, p.transmitBytes());
    assertEquals(1, p.protocolVersion());
  }

  @Test
  void aPeerWithTheDevicesOwnKeyIsIgnoredAndANewKeyDropsItsOwnPeer() throws Exception {
    String name = device();
    PublicKey own = PublicKey.fromHex(RFC7748_PUBLIC);
    configure(name, DeviceConfig.builder().privateKey(PrivateKey.fromHex(RFC7748_PRIVATE))
        .peer(PeerConfig.builder(own).allowedIp(prefix("10.1.0.0/24")).build()).build());
    assertEquals(List.of(), read(name).peers(), "a peer with the device's own key is ignored");

    // The other way round: a peer exists first, then the device takes its key pair.
    String other = device();
    configure(other, PeerConfig.builder(own).allowedIp(prefix("10.1.0.0/24")).build());
    assertEquals(Set.of(own), keys(read(other)));
    configure(other, DeviceConfig.builder().privateKey(PrivateKey.fromHex(RFC7748_PRIVATE))
        .build());
    assertEquals(List.of(), read(other).peers(), "a new private key drops its own peer");
  }

  @Test
  void manyPeersInOneWriteAreAllThere() throws Exception {
    String name = device();
    DeviceConfig.Builder b = DeviceConfig.builder().replacePeers(true);
    Map<PublicKey, Set<IpPrefix>> wanted = new HashMap<>();
    for (int i = 0; i < 300; i++) {
      PublicKey k = randomPublicKey();
      IpPrefix v4 = prefix("10." + (i >> 8) + "." + (i & 255) + ".0/24");
      IpPrefix v6 = prefix("fd00:" + Integer.toHexString(i) + "::/64");
      b.peer(PeerConfig.builder(k).endpoint(endpoint("192.0.2." + (i % 250 + 1) + ":"
          + (40000 + i))).allowedIp(v4).allowedIp(v6).build());
      wanted.put(k, Set.of(v4, v6));
    }
    configure(name, b.build());
    DeviceState d = read(name);
    assertEquals(300, d.peers().size());
    for (PeerState p : d.peers()) assertEquals(wanted.get(p.publicKey()), ips(p));
  }

  @Test
  void aNewDevicesPeersAreItsOwn() throws Exception {
    String one = device();
    String two = device();
    assertNotEquals(one, two);
    configure(one, PeerConfig.builder(randomPublicKey()).build());
    assertEquals(List.of(), read(two).peers());
  }

  private static Set<PublicKey> keys(DeviceState d) {
    Set<PublicKey> keys = new java.util.HashSet<>();
    for (PeerState p : d.peers()) keys.add(p.publicKey());
    return keys;
  }
}
