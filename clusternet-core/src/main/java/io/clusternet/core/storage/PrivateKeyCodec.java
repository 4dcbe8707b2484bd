package io.clusternet.core.storage;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.localstorage.Codec;
import java.nio.charset.StandardCharsets;

/**
 * The key file format: the base64 key and a newline, exactly what {@code wg genkey} writes, so
 * {@code wg pubkey < private.key} works. Reading tolerates trailing whitespace (a hand-edited file)
 * but nothing else. Error messages never quote the file.
 */
public final class PrivateKeyCodec implements Codec<PrivateKey> {
  private static final PrivateKeyCodec INSTANCE = new PrivateKeyCodec();
  private static final String ZERO_KEY = "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";

  private PrivateKeyCodec() {}

  public static PrivateKeyCodec instance() {
    return INSTANCE;
  }

  @Override
  public byte[] encode(PrivateKey value) {
    return (value.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  @Override
  public PrivateKey decode(byte[] content) throws MalformedContentException {
    int end = content.length;
    while (end > 0 && isTrailingWhitespace(content[end - 1])) end--;
    if (end == 0) {
      throw new MalformedContentException(
          content.length == 0 ? "the file is empty" : "the file holds only whitespace");
    }
    for (int i = 0; i < end; i++) {
      if (content[i] < 0x21 || content[i] > 0x7e) {
        throw new MalformedContentException(
            "not a base64 WireGuard private key: unexpected byte 0x"
                + Integer.toHexString(content[i] & 0xff) + " at offset " + i);
      }
    }
    String text = new String(content, 0, end, StandardCharsets.US_ASCII);
    if (text.equals(ZERO_KEY)) {
      throw new MalformedContentException("the key is all zeros, which WireGuard treats as no key");
    }
    try {
      return PrivateKey.fromBase64(text);
    } catch (KeyFormatException e) {
      throw new MalformedContentException("not a base64 WireGuard private key: " + e.getMessage(),
          e);
    }
  }

  private static boolean isTrailingWhitespace(byte b) {
    return b == '\n' || b == '\r' || b == ' ' || b == '\t';
  }

  @Override
  public String toString() {
    return "PrivateKeyCodec";
  }
}
