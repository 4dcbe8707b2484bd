package io.clusternet.api.crypto;

import java.security.MessageDigest;
import java.util.Arrays;
import java.util.Base64;

/**
 * Shared parsing and formatting for {@link PublicKey} and {@link PrivateKey}. Package-private:
 * callers see only the two distinct key types, so a private key can never be passed where a
 * public one is expected.
 */
final class Key {
  static final int LENGTH = 32;
  static final int BASE64_LENGTH = 44;
  static final int HEX_LENGTH = 64;

  private static final char[] HEX = "0123456789abcdef".toCharArray();

  private Key() {}

  static byte[] fromBytes(byte[] bytes) throws KeyFormatException {
    if (bytes.length != LENGTH) {
      throw new KeyFormatException(
          KeyFormatException.Format.BINARY, KeyFormatException.Type.LENGTH,
          "got " + bytes.length + " bytes");
    }
    return bytes.clone();
  }

  static byte[] fromBase64(CharSequence text) throws KeyFormatException {
    if (text.length() != BASE64_LENGTH) {
      throw new KeyFormatException(
          KeyFormatException.Format.BASE64, KeyFormatException.Type.LENGTH,
          "got " + text.length() + " characters");
    }
    // 32 bytes encode to 43 significant characters plus one '='. The last significant character
    // carries only 4 bits of key material; its low 2 bits must be zero (canonical encoding).
    if (text.charAt(BASE64_LENGTH - 1) != '=') {
      throw new KeyFormatException(
          KeyFormatException.Format.BASE64, KeyFormatException.Type.CONTENTS,
          "the last character must be '='");
    }
    for (int i = 0; i < BASE64_LENGTH - 1; i++) {
      if (base64Value(text.charAt(i)) < 0) {
        throw new KeyFormatException(
            KeyFormatException.Format.BASE64, KeyFormatException.Type.CONTENTS,
            "illegal character at index " + i);
      }
    }
    if ((base64Value(text.charAt(BASE64_LENGTH - 2)) & 0x3) != 0) {
      throw new KeyFormatException(
          KeyFormatException.Format.BASE64, KeyFormatException.Type.CONTENTS,
          "non-canonical encoding (trailing bits set)");
    }
    return Base64.getDecoder().decode(text.toString());
  }

  private static int base64Value(char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
  }

  static byte[] fromHex(CharSequence text) throws KeyFormatException {
    if (text.length() != HEX_LENGTH) {
      throw new KeyFormatException(
          KeyFormatException.Format.HEX, KeyFormatException.Type.LENGTH,
          "got " + text.length() + " characters");
    }
    byte[] out = new byte[LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      int hi = Character.digit(text.charAt(2 * i), 16);
      int lo = Character.digit(text.charAt(2 * i + 1), 16);
      if (hi < 0 || lo < 0 || !isAsciiHex(text.charAt(2 * i)) || !isAsciiHex(text.charAt(2 * i + 1))) {
        throw new KeyFormatException(
            KeyFormatException.Format.HEX, KeyFormatException.Type.CONTENTS,
            "illegal character at index " + (hi < 0 ? 2 * i : 2 * i + 1));
      }
      out[i] = (byte) ((hi << 4) | lo);
    }
    return out;
  }

  private static boolean isAsciiHex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  static String toBase64(byte[] key) {
    return Base64.getEncoder().encodeToString(key);
  }

  static String toHex(byte[] key) {
    char[] out = new char[HEX_LENGTH];
    for (int i = 0; i < LENGTH; i++) {
      out[2 * i] = HEX[(key[i] >> 4) & 0xf];
      out[2 * i + 1] = HEX[key[i] & 0xf];
    }
    return new String(out);
  }

  /** Constant-time comparison: the time taken does not depend on where the keys differ. */
  static boolean constantTimeEquals(byte[] a, byte[] b) {
    return MessageDigest.isEqual(a, b);
  }

  static int hash(byte[] key) {
    return Arrays.hashCode(key);
  }
}
