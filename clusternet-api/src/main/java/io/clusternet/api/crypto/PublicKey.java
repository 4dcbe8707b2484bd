package io.clusternet.api.crypto;

/**
 * A WireGuard (Curve25519) public key: an immutable 32-byte value.
 *
 * <p>Equality is by value and compared in constant time. {@link #toString()} is the base64 form,
 * the one {@code wg} prints. Instances are ordered by their bytes (unsigned), which gives the
 * deterministic peer order the rest of clusternet relies on.
 */
public final class PublicKey implements Comparable<PublicKey> {
  private final byte[] key;
  private final int hash; // keys are map keys everywhere: hash once

  private PublicKey(byte[] key) {
    this.key = key;
    this.hash = Key.hash(key);
  }

  /** A key from its 32 raw bytes; the array is copied. */
  public static PublicKey fromBytes(byte[] bytes) throws KeyFormatException {
    return new PublicKey(Key.fromBytes(bytes));
  }

  /** A key from its 44-character base64 form (as {@code wg pubkey} prints it, without newline). */
  public static PublicKey fromBase64(CharSequence base64) throws KeyFormatException {
    return new PublicKey(Key.fromBase64(base64));
  }

  /** A key from its 64-character hex form (as the UAPI protocol carries it). */
  public static PublicKey fromHex(CharSequence hex) throws KeyFormatException {
    return new PublicKey(Key.fromHex(hex));
  }

  /** A copy of the 32 raw bytes. */
  public byte[] toBytes() {
    return key.clone();
  }

  public String toBase64() {
    return Key.toBase64(key);
  }

  public String toHex() {
    return Key.toHex(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PublicKey other && Key.constantTimeEquals(key, other.key);
  }

  @Override
  public int hashCode() {
    return hash;
  }

  @Override
  public int compareTo(PublicKey other) {
    return java.util.Arrays.compareUnsigned(key, other.key);
  }

  /** The base64 form. */
  @Override
  public String toString() {
    return toBase64();
  }
}
