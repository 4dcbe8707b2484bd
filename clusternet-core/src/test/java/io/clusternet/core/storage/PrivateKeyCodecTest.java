package io.clusternet.core.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.localstorage.Codec.MalformedContentException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PrivateKeyCodecTest {
  static final String KEY = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";
  final PrivateKeyCodec codec = PrivateKeyCodec.instance();

  @Test
  void writesWhatWgGenkeyWrites() throws Exception {
    assertThat(new String(codec.encode(PrivateKey.fromBase64(KEY)), StandardCharsets.US_ASCII))
        .isEqualTo(KEY + "\n");
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "\n", "\r\n", "  \n\n", "\t"})
  void acceptsTrailingWhitespace(String suffix) throws Exception {
    assertThat(codec.decode((KEY + suffix).getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo(PrivateKey.fromBase64(KEY));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "\n", " " + KEY, KEY + "x", "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3f\n",
    "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
    "-----BEGIN PRIVATE KEY-----\n",
  })
  void rejectsAnythingElseWithoutQuotingIt(String content) {
    assertThatThrownBy(() -> codec.decode(content.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(MalformedContentException.class)
        .satisfies(e -> {
          if (content.strip().length() > 8) {
            assertThat(e.getMessage()).doesNotContain(content.strip().substring(0, 8));
          }
        });
  }

  @Test
  void rejectsBinaryGarbage() {
    byte[] zeros = new byte[44];
    assertThatThrownBy(() -> codec.decode(zeros))
        .isInstanceOf(MalformedContentException.class)
        .hasMessageContaining("0x0 at offset 0");
  }
}
