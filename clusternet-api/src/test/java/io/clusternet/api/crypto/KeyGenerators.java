package io.clusternet.api.crypto;

import io.clusternet.props.Gens;
import org.quicktheories.core.Gen;

/** Generators of key bytes and key-like text for property tests. */
public final class KeyGenerators {
  private KeyGenerators() {}

  /** Any 32 bytes (not clamped): edges all 0x00, 0xff, 0x7f, 0x80, 0x01 and 0..31. */
  public static Gen<byte[]> keyBytes() {
    return Gens.bytes(32);
  }

  /**
   * 32 bytes that are not a clamped X25519 scalar, as {@code openssl rand -base64 32} makes them
   * (issue 13 item 6): random, with at least one of the low three bits set, the top bit set or
   * bit 254 clear.
   */
  public static Gen<byte[]> unclampedKeyBytes() {
    return keyBytes().zip(Gens.ints(0, 2), (k, how) -> {
      byte[] b = k.clone();
      switch (how) {
        case 0 -> b[0] |= 1;
        case 1 -> b[31] |= (byte) 0x80;
        default -> b[31] &= (byte) ~0x40;
      }
      return b;
    });
  }

  /**
   * Text a key parser must survive: arbitrary text up to 70 code points, 44 characters of a
   * base64-ish alphabet, and 64 characters of a hex-ish alphabet.
   */
  public static Gen<String> keyishText() {
    return Gens.anyOf(Gens.strings(70),
        Gens.strings("ABCDEFabcdef0123456789+/=-_ \n", 44, 44),
        Gens.strings("0123456789abcdefABCDEFxg", 64, 64));
  }
}
