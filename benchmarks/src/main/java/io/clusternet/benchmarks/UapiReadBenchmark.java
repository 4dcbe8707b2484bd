package io.clusternet.benchmarks;

import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HexFormat;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Our side of the UAPI at 10,000 peers, against an in-process socket server instead of a daemon:
 * a {@code get} reply in wireguard-go's exact format, served from memory and read and parsed by
 * {@link UapiWireGuardBackend#device}; and a cold-apply {@code set}, encoded and sent, which the
 * server only acknowledges. Separates our costs from the daemon's, which the userspace
 * comparison measures together.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g"})
public class UapiReadBenchmark {
  @Param({"10000"})
  int peers;

  Path dir;
  ServerSocketChannel server;
  Thread serving;
  UapiWireGuardBackend backend;
  byte[] reply;
  DeviceConfig coldApply;
  static final byte[] OK = "errno=0\n\n".getBytes(StandardCharsets.US_ASCII);

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    reply = reply(peers).getBytes(StandardCharsets.US_ASCII);
    dir = Files.createTempDirectory("clusternet-uapi-bench");
    server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
    server.bind(UnixDomainSocketAddress.of(dir.resolve("bench0.sock")));
    serving = new Thread(this::serve, "uapi-bench-server");
    serving.setDaemon(true);
    serving.start();
    backend = UapiWireGuardBackend.create(dir);
    // What a cold apply of 10,000 peers sends (as PeerDiff plans new peers: key, endpoint, IP).
    DeviceConfig.Builder cfg = DeviceConfig.builder();
    SplittableRandom keys = new SplittableRandom(3);
    for (int k = 0; k < peers; k++) {
      cfg.peer(PeerConfig.builder(Fixtures.key(keys))
          .endpoint(Endpoint.parse("192.0.2." + (k % 254 + 1) + ":51820"))
          .allowedIp(IpPrefix.parse("10." + (k >> 8) + "." + (k & 255) + ".0/24")).build());
    }
    coldApply = cfg.build();
    if (backend.device("bench0").orElseThrow().peers().size() != peers) {
      throw new AssertionError("parsed a different number of peers");
    }
  }

  /** What wireguard-go prints for a device of {@code n} peers (see userspace-wireguard.md). */
  static String reply(int n) {
    SplittableRandom r = new SplittableRandom(7);
    HexFormat hex = HexFormat.of();
    StringBuilder b = new StringBuilder();
    b.append("private_key=").append(hex.formatHex(X25519.generatePrivateKey().toBytes()))
        .append("\nlisten_port=51820\n");
    for (int k = 0; k < n; k++) {
      byte[] key = new byte[32];
      for (int i = 0; i < 32; i++) key[i] = (byte) r.nextInt(256);
      b.append("public_key=").append(hex.formatHex(key))
          .append("\npreshared_key=").append("0".repeat(64))
          .append("\nprotocol_version=1\nendpoint=192.0.2.").append(k % 254 + 1).append(":51820")
          .append("\nlast_handshake_time_sec=0\nlast_handshake_time_nsec=0\ntx_bytes=0\nrx_bytes=0")
          .append("\npersistent_keepalive_interval=0\nallowed_ip=10.").append(k >> 8).append('.')
          .append(k & 255).append(".0/24\n");
    }
    return b.append("errno=0\n\n").toString();
  }

  private void serve() {
    while (server.isOpen()) {
      SocketChannel accepted;
      try {
        accepted = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      Thread t = new Thread(() -> answer(accepted), "uapi-bench-connection");
      t.setDaemon(true);
      t.start();
    }
  }

  /** One connection, one request at a time (the backend keeps its connection between calls). */
  private void answer(SocketChannel accepted) {
    try (SocketChannel c = accepted) {
        ByteBuffer in = ByteBuffer.allocate(64 * 1024);
        while (true) { // one request at a time, as wireguard-go
          in.clear();
          byte last = 0;
          boolean end = false;
          byte first = 0;
          while (!end) {
            int got = c.read(in);
            if (got < 0) throw new IOException("closed");
            for (int i = in.position() - got; i < in.position(); i++) {
              byte b = in.get(i);
              if (first == 0) first = b;
              if (b == '\n' && last == '\n') end = true;
              last = b;
            }
            if (!in.hasRemaining()) in.clear();
          }
          ByteBuffer out = ByteBuffer.wrap(first == 's' ? OK : reply); // set=1 or get=1
          while (out.hasRemaining()) c.write(out);
        }
    } catch (IOException e) {
      // the client went away
    }
  }

  @Benchmark
  public DeviceState readAndParse() throws Exception {
    return backend.device("bench0").orElseThrow();
  }

  /** The floor under {@link #readAndParse}: the same reply moved over the socket, not parsed. */
  @Benchmark
  public long transferOnly() throws Exception {
    return UserspaceVsWg.rawGet(dir.resolve("bench0.sock"));
  }

  /**
   * Our side of a cold apply: encoding and sending the 10,000-peer set request to a server that
   * reads and acknowledges it without doing anything. What remains of a real cold apply is the
   * daemon's work.
   */
  @Benchmark
  public DeviceConfig encodeAndSendColdApply() throws Exception {
    backend.configure("bench0", coldApply);
    return coldApply;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    backend.close();
    server.close();
    Files.deleteIfExists(dir.resolve("bench0.sock"));
    Files.deleteIfExists(dir);
  }
}
