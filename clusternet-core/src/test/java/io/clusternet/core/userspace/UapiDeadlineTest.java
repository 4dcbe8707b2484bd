package io.clusternet.core.userspace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.api.wg.PeerConfig;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.Commands;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The UAPI deadline: a daemon that does not answer (SIGSTOP) fails an operation with TIMEOUT
 * after one deadline, naming the interface and the deadline; the deadline counts silence, so a
 * reply that keeps coming is not cut off however long it takes; {@link UapiWireGuardBackend#ping}
 * changes nothing.
 */
class UapiDeadlineTest {
  @TempDir Path tmp;

  @Test
  void aStoppedDaemonTimesOutAfterOneDeadlineAndAnswersAgainWhenContinued() throws Exception {
    Prerequisites.requireRoot("network namespaces and wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    String dev = "cd" + HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
    try (NetworkNamespace ns = NetworkNamespace.create("cdl");
        WireGuardGoProcess wg = WireGuardGoProcess.builder(dev).networkNamespace(ns.name())
            .socketDirectory(tmp.resolve("run")).start()) {
      UapiWireGuardBackend backend = UapiWireGuardBackend.create(wg.socketDirectory())
          .withTimeout(Duration.ofMillis(1500));
      PrivateKey key = X25519.generatePrivateKey();
      backend.configure(dev, DeviceConfig.builder().privateKey(key).listenPort(0)
          .peer(PeerConfig.builder(X25519.publicKey(X25519.generatePrivateKey()))
              .allowedIp(IpPrefix.parse("10.9.0.0/24")).build())
          .build());
      DeviceState before = backend.device(dev).orElseThrow();
      backend.ping(dev);
      assertThat(backend.device(dev)).as("a ping changes nothing").contains(before);

      Commands.run("kill", "-STOP", Long.toString(wg.pid()));
      try {
        for (int round = 0; round < 2; round++) { // the kept connection, then a fresh one
          long t0 = System.nanoTime();
          assertThatThrownBy(() -> backend.device(dev))
              .isInstanceOfSatisfying(BackendException.class, e -> {
                assertThat(e.reason()).isEqualTo(Reason.TIMEOUT);
                assertThat(e.getMessage()).contains(dev).contains("1500 ms")
                    .contains("does not answer").contains(wg.socketPath().toString());
              });
          long ms = (System.nanoTime() - t0) / 1_000_000;
          assertThat(ms).as("ms until TIMEOUT, deadline 1500 ms").isBetween(1_400L, 4_000L);
        }
        assertThatThrownBy(() -> backend.ping(dev))
            .isInstanceOfSatisfying(BackendException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
        // The same port again: a set that timed out still sits in the socket and is applied
        // once the daemon runs again (every request clusternet sends is safe to repeat).
        assertThatThrownBy(() -> backend.configure(dev, DeviceConfig.builder()
            .listenPort(before.listenPort()).build())).isInstanceOfSatisfying(BackendException.class,
                e -> assertThat(e.reason()).isEqualTo(Reason.TIMEOUT));
      } finally {
        Commands.run("kill", "-CONT", Long.toString(wg.pid()));
      }
      backend.ping(dev);
      assertThat(backend.device(dev)).as("answers again once continued").contains(before);
    }
  }

  /** A reply dripping in for twice the deadline, never silent for long: not cut off. */
  @Test
  void theDeadlineCountsSilenceSoASlowSteadyReplyCompletes() throws Exception {
    Path dir = tmp.resolve("drip");
    java.nio.file.Files.createDirectories(dir);
    String dev = "drip0";
    byte[] reply = "listen_port=51820\nfwmark=0\nerrno=0\n\n".getBytes(StandardCharsets.US_ASCII);
    try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
      server.bind(UnixDomainSocketAddress.of(dir.resolve(dev + ".sock")));
      Thread t = new Thread(() -> {
        try (SocketChannel c = server.accept()) {
          ByteBuffer request = ByteBuffer.allocate(64);
          while (request.position() < 7) c.read(request); // "get=1\n\n"
          for (byte b : reply) {
            Thread.sleep(reply.length > 0 ? 1_000 / 12 : 0);
            c.write(ByteBuffer.wrap(new byte[] {b}));
          }
          c.read(ByteBuffer.allocate(1)); // until the client closes or reuses
        } catch (Exception ignored) {
          // the test ends
        }
      }, "drip");
      t.setDaemon(true);
      t.start();
      UapiWireGuardBackend backend = UapiWireGuardBackend.create(dir)
          .withTimeout(Duration.ofMillis(1000));
      long t0 = System.nanoTime();
      DeviceState state = backend.device(dev).orElseThrow();
      long ms = (System.nanoTime() - t0) / 1_000_000;
      assertThat(state.listenPort()).isEqualTo(51820);
      assertThat(ms).as("the reply took longer than the 1000 ms deadline").isGreaterThan(1_500);
      backend.close();
    }
  }
}
