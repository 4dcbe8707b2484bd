package io.clusternet.api.crypto;

/**
 * The shared body of the two secret key types ({@link PrivateKey}, {@link PresharedKey}): 32
 * bytes that never appear in {@code toString()}, compared in constant time, equal only to a key
 * of the same type. Package-private: callers see only the distinct types.
 */
abstract class SecretKey {
  private final byte[] key;

  SecretKey(byte[] key) {
    this.key = key;
  }

  /** A copy of the 32 raw bytes. The caller owns the copy and should overwrite it when done. */
  public final byte[] toBytes() {
    return key.clone();
  }

  /** The base64 form. Secret: never log it. */
  public final String toBase64() {
    return Key.toBase64(key);
  }

  /** The hex form. Secret: never log it. */
  public final String toHex() {
    return Key.toHex(key);
  }

  @Override
  public final boolean equals(Object o) {
    return o != null && o.getClass() == getClass()
        && Key.constantTimeEquals(key, ((SecretKey) o).key);
  }

  /** A hash that does not expose key material: all keys of a type hash alike. */
  @Override
  public final int hashCode() {
    return getClass().hashCode();
  }

  /** Always {@code "<Type>[redacted]"}. */
  @Override
  public final String toString() {
    return getClass().getSimpleName() + "[redacted]";
  }
}
