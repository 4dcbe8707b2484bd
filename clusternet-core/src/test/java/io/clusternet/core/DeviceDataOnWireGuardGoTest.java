package io.clusternet.core;

import static io.clusternet.core.Eventually.await;
import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.k8s.FakeApiServer;
import io.kubernetes.client.util.ClientBuilder;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 13 items 6, 9 and 10 against a real wireguard-go: a stray peer with a scoped endpoint
 * and an IPv4-mapped allowed IP no longer keeps the service from starting and is removed, and an
 * unclamped key in the key file costs no device write per resync.
 *
 * <p>wireguard-go 0.0.20220316 (Debian 12) accepts {@code endpoint=[fe80::1%2]:51820} but prints
 * it without the zone; newer releases print the zone. So the service talks to the real daemon
 * through a pass-through UAPI proxy that only adds {@code %2} to such endpoints in replies, as a
 * newer daemon would print them. Everything else, every write included, is the daemon's own.
 */
class DeviceDataOnWireGuardGoTest {
  static final Duration WAIT = Duration.ofSeconds(30);
  static final String ANN = ClusterNet.DEFAULT_ANNOTATION;

  @TempDir Path tmp;
  final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  FakeApiServer api;
  NetworkNamespace ns;
  WireGuardGoProcess daemon;
  ZoneAddingProxy proxy;
  ClusterNet net;
  ScheduledThreadPoolExecutor scheduler;

  @AfterEach
  void cleanUp() throws Exception {
    if (net != null) {
      try {
        net.stopAsync().awaitTerminated();
      } catch (IllegalStateException failed) {
        // its start cleaned up
      }
    }
    if (scheduler != null) scheduler.shutdownNow();
    if (proxy != null) proxy.close();
    if (daemon != null) daemon.close(); // by PID, before its namespace goes
    if (ns != null) ns.close();
    if (api != null) api.close();
  }

  /** 32 random bytes, as {@code openssl rand -base64 32} makes: not clamped. */
  static byte[] unclamped() {
    byte[] k = new byte[32];
    new SecureRandom().nextBytes(k);
    k[0] |= 7;
    k[31] = (byte) ((k[31] | 0x80) & ~0x40);
    return k;
  }

  @Test
  void aStrayPeerWithScopedAndMappedAddressesIsRemovedAndAnUnclampedKeyCostsNoWrites()
      throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    String iface = "cd" + tag + "n0";
    ns = NetworkNamespace.create("cnd-n0");
    daemon = WireGuardGoProcess.builder(iface).networkNamespace(ns.name()).start();
    Path proxyDir = Files.createDirectories(tmp.resolve("proxy"));
    proxy = new ZoneAddingProxy(daemon.socketPath(), proxyDir.resolve(iface + ".sock"));
    UapiWireGuardBackend uapi = UapiWireGuardBackend.create(proxyDir);

    // The key file: 32 random bytes, not clamped, mode 0600.
    byte[] raw = unclamped();
    Path keyFile = tmp.resolve("state/data/kubernetes/clusternet/private.key");
    Files.createDirectories(keyFile.getParent());
    Files.writeString(keyFile, Base64.getEncoder().encodeToString(raw) + "\n");
    Files.setPosixFilePermissions(keyFile, java.nio.file.attribute.PosixFilePermissions
        .fromString("rw-------"));
    byte[] clampedBytes = raw.clone();
    clampedBytes[0] &= (byte) 248;
    clampedBytes[31] = (byte) ((clampedBytes[31] & 127) | 64);
    PrivateKey clamped = PrivateKey.fromBytes(clampedBytes);

    // Items 9 and 10: before the start, a stray peer added behind our back with a link-local
    // endpoint (which the proxy reports scoped, as newer wireguard-go does) and an IPv4-mapped
    // allowed IP. Reading the device used to be a protocol error, so the service could not start.
    PublicKey stray = X25519.publicKey(X25519.generatePrivateKey());
    String reply = rawUapi(daemon.socketPath(), "set=1\npublic_key=" + stray.toHex()
        + "\nendpoint=[fe80::1%1]:51820\nallowed_ip=::ffff:192.0.2.1/128\n\n");
    assertThat(reply).isEqualTo("errno=0\n\n");
    String get = rawUapi(proxyDir.resolve(iface + ".sock"), "get=1\n\n");
    assertThat(get).contains("endpoint=[fe80::1%2]:51820\n")
        .contains("allowed_ip=::ffff:192.0.2.1/128\n");
    DeviceState seen = uapi.device(iface).orElseThrow();
    PeerState strayState = seen.peers().stream().filter(p -> p.publicKey().equals(stray))
        .findFirst().orElseThrow();
    assertThat(strayState.endpoint().map(Object::toString)).contains("[fe80::1]:51820");
    assertThat(strayState.allowedIps()).containsExactly(IpPrefix.parse("::ffff:192.0.2.1/128"));

    api = FakeApiServer.startOnRandomPort();
    api.createNode("n0", "192.0.2.1", List.of("10.244.0.0/24"), null);
    PublicKey n1 = X25519.publicKey(X25519.generatePrivateKey());
    api.createNode("n1", "192.0.2.2", List.of("10.244.1.0/24"), Map.of(ANN, n1.toBase64()));

    AtomicLong tasks = new AtomicLong();
    scheduler = new ScheduledThreadPoolExecutor(1) {
      @Override
      protected void afterExecute(Runnable r, Throwable t) {
        tasks.incrementAndGet(); // each resync tick and each reconciliation it triggers
      }
    };
    net = ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath(api.url()).build())
        .storageRoot(tmp.resolve("state"))
        .interfaceName(iface)
        .backends(uapi, Optional.empty())
        .scheduler(scheduler)
        .resyncPeriod(Duration.ofMillis(200))
        .build();
    net.startAsync().awaitRunning();
    await("n1 a peer, the stray peer removed", WAIT,
        () -> peers(uapi, iface).equals(List.of(n1)));
    assertThat(net.status().peers()).hasSize(1);
    assertThat(uapi.device(iface).orElseThrow().privateKey()).contains(clamped);
    assertThat(net.publicKey()).isEqualTo(X25519.publicKey(clamped));

    // Item 6: at least eight resyncs (each reads the device, which reports the clamped key):
    // no write. Before the fix, every resync rewrote the private key.
    long writes = net.backendWrites();
    long start = tasks.get();
    await("eight resyncs", WAIT, () -> tasks.get() >= start + 16);
    assertThat(net.backendWrites()).as("writes over eight resyncs").isEqualTo(writes);
    assertThat(peers(uapi, iface)).containsExactly(n1);
  }

  static List<PublicKey> peers(UapiWireGuardBackend uapi, String iface) {
    try {
      return uapi.device(iface).orElseThrow().peers().stream().map(PeerState::publicKey).toList();
    } catch (Exception e) {
      return List.of();
    }
  }

  static String rawUapi(Path socket, String request) throws IOException {
    try (SocketChannel c = SocketChannel.open(UnixDomainSocketAddress.of(socket))) {
      c.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      ByteBuffer buf = ByteBuffer.allocate(4096);
      while (!out.toString(StandardCharsets.US_ASCII).endsWith("\n\n")) {
        buf.clear();
        if (c.read(buf) < 0) break;
        out.write(buf.array(), 0, buf.position());
      }
      return out.toString(StandardCharsets.US_ASCII);
    }
  }

  /**
   * A UAPI socket in front of a real one: requests pass unchanged; in replies, a link-local
   * endpoint {@code [fe80::...]:port} gets the zone {@code %2}, as newer wireguard-go prints it.
   */
  static final class ZoneAddingProxy implements AutoCloseable {
    private final ServerSocketChannel server;
    private final Thread acceptor;
    private final List<SocketChannel> open = new ArrayList<>();

    ZoneAddingProxy(Path upstream, Path socket) throws IOException {
      server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
      server.bind(UnixDomainSocketAddress.of(socket));
      acceptor = new Thread(() -> {
        try {
          while (true) {
            SocketChannel client = server.accept();
            SocketChannel up = SocketChannel.open(UnixDomainSocketAddress.of(upstream));
            synchronized (open) {
              open.add(client);
              open.add(up);
            }
            start(() -> copy(client, up));
            start(() -> rewrite(up, client));
          }
        } catch (IOException closed) {
          // closed
        }
      }, "uapi-proxy");
      acceptor.setDaemon(true);
      acceptor.start();
    }

    private static void start(Runnable r) {
      Thread t = new Thread(r, "uapi-proxy-pump");
      t.setDaemon(true);
      t.start();
    }

    // Channel reads and writes, not Channels streams: those lock the channel's blockingLock, so
    // a read waiting on one direction would block the write in the other.
    private static void copy(SocketChannel from, SocketChannel to) {
      try {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (from.read(buf) >= 0) {
          buf.flip();
          while (buf.hasRemaining()) to.write(buf);
          buf.clear();
        }
        to.shutdownOutput();
      } catch (IOException closed) {
        // either side went away
      }
    }

    private static void rewrite(SocketChannel from, SocketChannel to) {
      try {
        ByteBuffer buf = ByteBuffer.allocate(65536);
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (from.read(buf) >= 0) {
          buf.flip();
          ByteArrayOutputStream chunk = new ByteArrayOutputStream();
          while (buf.hasRemaining()) {
            byte b = buf.get();
            line.write(b);
            if (b != '\n') continue;
            String s = line.toString(StandardCharsets.US_ASCII);
            if (s.startsWith("endpoint=[fe80:") && !s.contains("%")) {
              s = s.replace("]:", "%2]:");
            }
            chunk.writeBytes(s.getBytes(StandardCharsets.US_ASCII));
            line.reset();
          }
          ByteBuffer out = ByteBuffer.wrap(chunk.toByteArray());
          while (out.hasRemaining()) to.write(out);
          buf.clear();
        }
        to.shutdownOutput();
      } catch (IOException closed) {
        // either side went away
      }
    }

    @Override
    public void close() throws IOException {
      server.close();
      synchronized (open) {
        for (SocketChannel c : open) c.close();
      }
    }
  }
}
