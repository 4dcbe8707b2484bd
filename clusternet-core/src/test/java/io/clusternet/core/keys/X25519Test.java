package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.KeyGenerators;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.props.Props;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Known answers from RFC 7748, and WireGuard's clamping. */
class X25519Test {
  private static byte[] hex(String s) {
    return HexFormat.of().parseHex(s);
  }

  @ParameterizedTest(name = "RFC 7748 5.2 vector {index}")
  @CsvSource({
    "a546e36bf0527c9d3b16154b82465edd62144c0ac1fc5a18506a2244ba449ac4,"
        + "e6db6867583030db3594c1a424b15f7c726624ec26b3353b10a903a6d0ab1c4c,"
        + "c3da55379de9c6908e94ea4df28d084f32eccf03491c71f754b4075577a28552",
    "4b66e9d4d1b4673c5ad22691957d6af5c11b6421e0ea01d42ca4169e7918ba0d,"
        + "e5210f12786811d3f4b7959d0538ae2c31dbe7106fc03c3efc4cd549c715a493,"
        + "95cbde9476e8907d7aade45cb4b873f88b595a68799fa152e6f8f7647aac7957",
  })
  void rfc7748Vectors(String scalar, String u, String expected) {
    assertThat(HexFormat.of().formatHex(X25519.scalarMult(hex(scalar), hex(u))))
        .isEqualTo(expected);
  }

  @Test
  void rfc7748IteratedVector() {
    byte[] k = new byte[32];
    k[0] = 9;
    byte[] u = k.clone();
    for (int i = 1; i <= 1000; i++) {
      byte[] r = X25519.scalarMult(k, u);
      u = k;
      k = r;
      if (i == 1) {
        assertThat(HexFormat.of().formatHex(k))
            .isEqualTo("422c8e7a6227d7bca1350b3e2bb7279f7897b87bb6854b783c60e80311ae3079");
      }
    }
    assertThat(HexFormat.of().formatHex(k))
        .isEqualTo("684cf59ba83309552800ef566f2f4d3c1c3887c49360e3875f2eb94d99532c51");
  }

  @Test
  void rfc7748DiffieHellmanVector() throws Exception {
    PrivateKey alice = PrivateKey.fromHex(
        "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
    PrivateKey bob = PrivateKey.fromHex(
        "5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
    PublicKey alicePub = X25519.publicKey(alice);
    PublicKey bobPub = X25519.publicKey(bob);
    assertThat(alicePub.toHex())
        .isEqualTo("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
    assertThat(bobPub.toHex())
        .isEqualTo("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
    String shared = "4a5d9d5ba4ce2de1728e3bf480350f25e07e21c947d19e3376f09b3c1e161742";
    assertThat(HexFormat.of().formatHex(X25519.scalarMult(alice.toBytes(), bobPub.toBytes())))
        .isEqualTo(shared);
    assertThat(HexFormat.of().formatHex(X25519.scalarMult(bob.toBytes(), alicePub.toBytes())))
        .isEqualTo(shared);
  }

  @Test
  void aKnownWireGuardKeyPair() throws Exception {
    // `echo yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk= | wg pubkey` (wireguard-tools 1.0.20210914)
    PrivateKey key = PrivateKey.fromBase64("yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=");
    assertThat(X25519.publicKey(key).toBase64())
        .isEqualTo("HIgo9xNzJMWLKASShiTqIybxZ0U3wGLiUeJ1PKf8ykw=");
  }

  @Test
  void generatedKeysAreClampedAndDistinct() {
    PrivateKey a = X25519.generatePrivateKey();
    PrivateKey b = X25519.generatePrivateKey();
    assertThat(a).isNotEqualTo(b);
    for (PrivateKey k : new PrivateKey[] {a, b}) {
      byte[] raw = k.toBytes();
      assertThat(raw[0] & 7).isZero();
      assertThat(raw[31] & 0x80).isZero();
      assertThat(raw[31] & 0x40).isEqualTo(0x40);
    }
  }

  @Test
  void clampingDoesNotChangeThePublicKey() {
    Props.check(200, KeyGenerators.keyBytes(), raw -> {
      byte[] clamped = raw.clone();
      X25519.clamp(clamped);
      assertThat(X25519.publicKey(PrivateKey.fromBytes(raw)))
          .isEqualTo(X25519.publicKey(PrivateKey.fromBytes(clamped)));
    });
  }
}
