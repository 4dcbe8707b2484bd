package io.clusternet.api.crypto;

/**
 * A WireGuard (Curve25519) private key: an immutable 32-byte secret.
 *
 * <p>A distinct type from {@link PublicKey}, so one cannot be passed for the other. Equality is
 * by value and compared in constant time. {@link #toString()} never reveals the key; use
 * {@link #toBase64()} or {@link #toHex()} only where the key must be written (the key file, a
 * device configuration). Deriving the public key needs Curve25519 arithmetic, which lives in
 * {@code io.clusternet.core.keys.X25519}.
 */
public final class PrivateKey extends SecretKey {
  private PrivateKey(byte[] key) {
    super(key);
  }

  /** A key from its 32 raw bytes; the array is copied. */
  public static PrivateKey fromBytes(byte[] bytes) throws KeyFormatException {
    return new PrivateKey(Key.fromBytes(bytes));
  }

  /** A key from its 44-character base64 form (as {@code wg genkey} prints it, without newline). */
  public static PrivateKey fromBase64(CharSequence base64) throws KeyFormatException {
    return new PrivateKey(Key.fromBase64(base64));
  }

  /** A key from its 64-character hex form (as the UAPI protocol carries it). */
  public static PrivateKey fromHex(CharSequence hex) throws KeyFormatException {
    return new PrivateKey(Key.fromHex(hex));
  }
}
