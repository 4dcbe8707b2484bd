package io.clusternet.api.crypto;

/**
 * A WireGuard preshared key: an immutable 32-byte symmetric secret, mixed into the handshake
 * for post-quantum resistance.
 *
 * <p>Equality is
 * by value and compared in constant time. {@link #toString()} never reveals the key.
 */
public final class PresharedKey extends SecretKey {
  private PresharedKey(byte[] key) {
    super(key);
  }

  /** A key from its 32 raw bytes; the array is copied. */
  public static PresharedKey fromBytes(byte[] bytes) throws KeyFormatException {
    return new PresharedKey(Key.fromBytes(bytes));
  }

  /** A key from its 44-character base64 form (as {@code wg genpsk} prints it, without newline). */
  public static PresharedKey fromBase64(CharSequence base64) throws KeyFormatException {
    return new PresharedKey(Key.fromBase64(base64));
  }

  /** A key from its 64-character hex form (as the UAPI protocol carries it). */
  public static PresharedKey fromHex(CharSequence hex) throws KeyFormatException {
    return new PresharedKey(Key.fromHex(hex));
  }
}
