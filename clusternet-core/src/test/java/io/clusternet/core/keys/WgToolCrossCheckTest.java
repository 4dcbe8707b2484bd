package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.testing.Prerequisites;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Cross-checks key generation and derivation with the real {@code wg} tool (wireguard-tools). */
class WgToolCrossCheckTest {
  private static final int KEYS = 25;

  @BeforeAll
  static void needWg() {
    Prerequisites.require(Prerequisites.onPath("wg"),
        "the wg tool (apt-get install --no-install-recommends wireguard-tools)");
  }

  private static String wg(String stdin, String... args) throws IOException, InterruptedException {
    String[] command = new String[args.length + 1];
    command[0] = "wg";
    System.arraycopy(args, 0, command, 1, args.length);
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    try (var in = p.getOutputStream()) {
      if (stdin != null) in.write(stdin.getBytes(StandardCharsets.US_ASCII));
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as("wg %s", String.join(" ", args)).isZero();
    return out;
  }

  @Test
  void wgPubkeyOfOurKeysEqualsOurDerivation() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      PrivateKey key = X25519.generatePrivateKey();
      String theirs = wg(key.toBase64() + "\n", "pubkey").strip();
      assertThat(theirs).isEqualTo(X25519.publicKey(key).toBase64());
    }
  }

  @Test
  void ourDerivationOfWgGenkeyEqualsWgPubkey() throws Exception {
    for (int i = 0; i < KEYS; i++) {
      String generated = wg(null, "genkey");
      assertThat(generated).endsWith("\n");
      PrivateKey key = PrivateKey.fromBase64(generated.strip());
      assertThat(X25519.publicKey(key).toBase64()).isEqualTo(wg(generated, "pubkey").strip());
      // wg clamps as we do.
      byte[] raw = key.toBytes();
      assertThat(raw[0] & 7).isZero();
      assertThat(raw[31] & 0xc0).isEqualTo(0x40);
    }
  }

  @Test
  void wgReadsTheKeyFileWeWrite(@org.junit.jupiter.api.io.TempDir Path tmp) throws Exception {
    var root = io.clusternet.core.storage.ClusternetRoot.at(tmp);
    root.create();
    NodeKey key = KeyManager.of(root.privateKeyFile()).loadOrGenerate();
    String fileContent = Files.readString(tmp.resolve("data/kubernetes/clusternet/private.key"));
    assertThat(wg(fileContent, "pubkey").strip()).isEqualTo(key.publicKey().toBase64());
  }
}
