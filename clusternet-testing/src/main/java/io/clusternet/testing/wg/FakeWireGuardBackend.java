package io.clusternet.testing.wg;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.Errno;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.api.wg.PeerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * An in-memory {@link WireGuardBackend} that models the kernel's SET semantics
 * ({@code drivers/net/wireguard/netlink.c}), for fast tests of code above the backend:
 *
 * <ul>
 *   <li>{@code replacePeers} removes every peer before the list is applied;
 *   <li>peers are applied in order and nothing is transactional: an injected failure after
 *       {@code n} peers leaves those {@code n} applied;
 *   <li>{@code remove} or {@code updateOnly} for an unknown peer is a no-op;
 *   <li>a peer with the device's own public key is silently ignored;
 *   <li>an allowed IP added to one peer is moved away from whichever peer had it;
 *   <li>{@code replaceAllowedIps} replaces, otherwise IPs are added; a new private key removes a
 *       peer with the matching public key;
 *   <li>a preshared key is kept and reported; an all-zero one clears it;
 *   <li>the private key is kept and reported clamped ({@code curve25519_clamp_secret} in
 *       {@code set_device}; wireguard-go does the same), whatever bytes were set.
 * </ul>
 *
 * <p>Failure injection in the style of Monogon's {@code fakeWireguard.failNextUpdate}: {@link
 * #failNextConfigure}. Every successful or partial {@code configure} counts as a write.
 */
public final class FakeWireGuardBackend implements WireGuardBackend {
  private static final class Peer {
    Optional<io.clusternet.api.net.Endpoint> endpoint = Optional.empty();
    Optional<PresharedKey> presharedKey = Optional.empty();
    final List<IpPrefix> allowedIps = new ArrayList<>();
    Duration keepalive = Duration.ZERO;
  }

  private static final class Device {
    Optional<PrivateKey> privateKey = Optional.empty();
    int listenPort;
    int fwmark;
    final Map<PublicKey, Peer> peers = new LinkedHashMap<>();
  }

  private final Function<PrivateKey, PublicKey> derive;
  private final Map<String, Device> devices = new TreeMap<>();
  private final AtomicLong configures = new AtomicLong();
  private BackendException nextFailure;
  private int failAfterPeers;

  /**
   * @param derive the X25519 public-key derivation (clusternet-core's {@code X25519::publicKey})
   */
  public FakeWireGuardBackend(Function<PrivateKey, PublicKey> derive) {
    this.derive = derive;
  }

  /** Creates a device (as {@code ip link add … type wireguard} would). */
  public synchronized void createDevice(String name) {
    devices.putIfAbsent(name, new Device());
  }

  /** Removes a device. */
  public synchronized void deleteDevice(String name) {
    devices.remove(name);
  }

  /**
   * The next {@code configure} applies {@code afterPeers} peer changes (device settings first, if
   * {@code afterPeers > 0}) and then throws {@code failure}.
   */
  public synchronized void failNextConfigure(BackendException failure, int afterPeers) {
    this.nextFailure = failure;
    this.failAfterPeers = afterPeers;
  }

  /** Calls to {@code configure} that changed (or tried to change) something. */
  public long configures() {
    return configures.get();
  }

  @Override
  public synchronized List<String> deviceNames() {
    return List.copyOf(devices.keySet());
  }

  @Override
  public synchronized Optional<DeviceState> device(String name) {
    Device d = devices.get(name);
    if (d == null) return Optional.empty();
    List<PeerState> peers = new ArrayList<>();
    d.peers.forEach((k, p) -> peers.add(new PeerState(k, p.presharedKey, p.endpoint,
        p.allowedIps, p.keepalive, Optional.empty(), 0, 0, 1)));
    return Optional.of(new DeviceState(name, d.privateKey, d.privateKey.map(derive),
        d.listenPort, d.fwmark, peers));
  }

  @Override
  public synchronized void configure(String name, DeviceConfig config) throws BackendException {
    Device d = devices.get(name);
    if (d == null) {
      // As the kernel answers (wireguard-go's backend reports no errno: there is no socket).
      throw BackendException.ofErrno("configuring " + name, Errno.ENODEV.value(), "");
    }
    configures.incrementAndGet();
    BackendException failure = nextFailure;
    int budget = failure == null ? Integer.MAX_VALUE : failAfterPeers;
    nextFailure = null;
    if (failure != null && budget == 0) throw failure;
    if (config.privateKey().isPresent()) {
      // Like the kernel and wireguard-go: the device keeps (and reports) the clamped key.
      Optional<PrivateKey> clamped = Optional.of(clamp(config.privateKey().get()));
      if (!clamped.equals(d.privateKey)) {
        d.privateKey = clamped;
        d.peers.remove(derive.apply(clamped.get()));
      }
    }
    config.listenPort().ifPresent(p -> d.listenPort = p == 0 ? 40000 + name.length() : p);
    config.firewallMark().ifPresent(m -> d.fwmark = m);
    if (config.replacePeers()) d.peers.clear();
    Optional<PublicKey> own = d.privateKey.map(derive);
    int applied = 0;
    for (PeerConfig pc : config.peers()) {
      if (applied == budget) throw failure;
      applied++;
      if (own.isPresent() && own.get().equals(pc.publicKey())) continue;
      Peer p = d.peers.get(pc.publicKey());
      if (pc.remove()) {
        d.peers.remove(pc.publicKey());
        continue;
      }
      if (p == null) {
        if (pc.updateOnly()) continue;
        p = new Peer();
        d.peers.put(pc.publicKey(), p);
      } else if (pc.replaceAllowedIps()) {
        p.allowedIps.clear();
      }
      if (pc.endpoint().isPresent()) p.endpoint = pc.endpoint();
      // As the kernel and wireguard-go: kept and reported; an all-zero key clears it.
      if (pc.presharedKey().isPresent()) {
        p.presharedKey = pc.presharedKey().filter(k -> !isZero(k));
      }
      if (pc.persistentKeepalive().isPresent()) p.keepalive = pc.persistentKeepalive().get();
      for (IpPrefix ip : pc.allowedIps()) {
        for (Peer other : d.peers.values()) other.allowedIps.remove(ip); // moved, as in the kernel
        p.allowedIps.add(ip);
      }
    }
    if (failure != null) throw failure;
  }

  @Override
  public void close() {
    // nothing held
  }

  private static boolean isZero(PresharedKey key) {
    byte[] b = key.toBytes();
    int or = 0;
    for (byte x : b) or |= x;
    java.util.Arrays.fill(b, (byte) 0);
    return or == 0;
  }

  /** WireGuard's clamping of a private scalar (RFC 7748), as a device applies it on set. */
  static PrivateKey clamp(PrivateKey key) {
    byte[] k = key.toBytes();
    try {
      k[0] &= (byte) 248;
      k[31] &= 127;
      k[31] |= 64;
      return PrivateKey.fromBytes(k);
    } catch (io.clusternet.api.crypto.KeyFormatException e) {
      throw new AssertionError(e); // clamping never gives the zero key
    } finally {
      java.util.Arrays.fill(k, (byte) 0);
    }
  }
}
