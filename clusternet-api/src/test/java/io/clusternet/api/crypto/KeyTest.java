package io.clusternet.api.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Base64;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class KeyTest {
  // A clamped private key, as `wg genkey` makes them.
  private static final String PRIV_B64 = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
  private static final String PRIV_HEX =
      "c809f3e5317e9575c9b5ed78b638b7ce530dabe85ddab61422024180 1ddf0669".replace(" ", "");

  @Test
  void base64AndHexDescribeTheSameKey() throws Exception {
    PrivateKey fromB64 = PrivateKey.fromBase64(PRIV_B64);
    PrivateKey fromHex = PrivateKey.fromHex(PRIV_HEX);
    assertThat(fromB64).isEqualTo(fromHex);
    assertThat(fromB64.toHex()).isEqualTo(PRIV_HEX);
    assertThat(fromHex.toBase64()).isEqualTo(PRIV_B64);
    assertThat(PrivateKey.fromHex(PRIV_HEX.toUpperCase())).isEqualTo(fromB64);
  }

  @Test
  void privateKeyNeverShowsItselfInToString() throws Exception {
    PrivateKey key = PrivateKey.fromBase64(PRIV_B64);
    assertThat(key.toString()).isEqualTo("PrivateKey[redacted]");
    assertThat(String.valueOf(key)).doesNotContain(PRIV_B64).doesNotContain(PRIV_HEX);
  }

  @Test
  void publicKeyPrintsAsBase64() throws Exception {
    PublicKey key = PublicKey.fromBase64(PRIV_B64);
    assertThat(key.toString()).isEqualTo(PRIV_B64);
  }

  @Test
  void publicAndPrivateKeysAreNeverEqualEvenWithTheSameBytes() throws Exception {
    assertThat((Object) PublicKey.fromBase64(PRIV_B64))
        .isNotEqualTo(PrivateKey.fromBase64(PRIV_B64));
  }

  @Test
  void bytesAreCopiedInAndOut() throws Exception {
    byte[] raw = new byte[32];
    raw[0] = 1;
    PublicKey key = PublicKey.fromBytes(raw);
    raw[0] = 2;
    assertThat(key.toBytes()[0]).isEqualTo((byte) 1);
    key.toBytes()[0] = 3;
    assertThat(key.toBytes()[0]).isEqualTo((byte) 1);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "empty||LENGTH",
        "43 chars|yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk|LENGTH",
        "45 chars|yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk==|LENGTH",
        "trailing newline|yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk\\n|CONTENTS",
        "no padding|yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmkA|CONTENTS",
        "url-safe alphabet|yAnz5TF-lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=|CONTENTS",
        "trailing bits set|yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBml=|CONTENTS",
        "space inside|yAnz5TF+lXXJte14tji3zlMNq+hd2rYU gJBgB3fBmk=|CONTENTS",
      })
  void badBase64IsATypedError(String name, String input, KeyFormatException.Type type) {
    String text = input == null ? "" : input.replace("\\n", "\n");
    assertThatThrownBy(() -> PublicKey.fromBase64(text))
        .isInstanceOfSatisfying(KeyFormatException.class, e -> {
          assertThat(e.getFormat()).isEqualTo(KeyFormatException.Format.BASE64);
          assertThat(e.getType()).isEqualTo(type);
        });
  }

  @Test
  void badHexIsATypedErrorThatDoesNotRepeatTheInput() {
    String almost = PRIV_HEX.substring(0, 63) + "g";
    assertThatThrownBy(() -> PrivateKey.fromHex(almost))
        .isInstanceOfSatisfying(KeyFormatException.class, e -> {
          assertThat(e.getFormat()).isEqualTo(KeyFormatException.Format.HEX);
          assertThat(e.getType()).isEqualTo(KeyFormatException.Type.CONTENTS);
          assertThat(e.getMessage()).contains("index 63").doesNotContain(PRIV_HEX.substring(0, 20));
        });
    // Non-ASCII digits are digits to Character.digit, but not hex to anyone else.
    String arabicIndic = "\u0661" + PRIV_HEX.substring(1);
    assertThatThrownBy(() -> PrivateKey.fromHex(arabicIndic))
        .isInstanceOf(KeyFormatException.class);
    assertThatThrownBy(() -> PrivateKey.fromHex(PRIV_HEX + "00"))
        .isInstanceOfSatisfying(KeyFormatException.class,
            e -> assertThat(e.getType()).isEqualTo(KeyFormatException.Type.LENGTH));
  }

  @Test
  void wrongByteLengthIsATypedError() {
    assertThatThrownBy(() -> PublicKey.fromBytes(new byte[31]))
        .isInstanceOfSatisfying(KeyFormatException.class, e -> {
          assertThat(e.getFormat()).isEqualTo(KeyFormatException.Format.BINARY);
          assertThat(e.getType()).isEqualTo(KeyFormatException.Type.LENGTH);
        });
  }

  @Test
  void encodingsRoundTripAndMatchTheJdk() {
    Props.check(1000, KeyGenerators.keyBytes(), raw -> {
      PublicKey key = PublicKey.fromBytes(raw);
      assertThat(key.toBase64()).isEqualTo(Base64.getEncoder().encodeToString(raw));
      assertThat(PublicKey.fromBase64(key.toBase64())).isEqualTo(key);
      assertThat(PublicKey.fromHex(key.toHex())).isEqualTo(key);
      assertThat(PrivateKey.fromHex(key.toHex()).toBase64()).isEqualTo(key.toBase64());
    });
  }

  @Test
  void orderingIsUnsignedLexicographic() {
    // Pairs that share a prefix of random length, so that the first difference falls anywhere.
    Props.check(1000, KeyGenerators.keyBytes().zip(KeyGenerators.keyBytes(),
        io.clusternet.props.Gens.ints(0, 32), (a, b, shared) -> {
          System.arraycopy(a, 0, b, 0, shared);
          return new byte[][] {a, b};
        }), ab -> {
          int expected = Integer.signum(java.util.Arrays.compareUnsigned(ab[0], ab[1]));
          assertThat(Integer.signum(PublicKey.fromBytes(ab[0]).compareTo(PublicKey.fromBytes(ab[1]))))
              .isEqualTo(expected);
        });
  }

  @Test
  void parsingArbitraryTextThrowsOnlyTheTypedException() {
    Props.check(2000, KeyGenerators.keyishText(), text -> {
      try {
        PublicKey key = PublicKey.fromBase64(text);
        assertThat(key.toBase64()).isEqualTo(text); // only canonical text is accepted
      } catch (KeyFormatException expected) {
        // the typed failure is fine
      }
      try {
        PublicKey key = PublicKey.fromHex(text);
        assertThat(key.toHex()).isEqualToIgnoringCase(text);
      } catch (KeyFormatException expected) {
        // the typed failure is fine
      }
    });
  }
}
