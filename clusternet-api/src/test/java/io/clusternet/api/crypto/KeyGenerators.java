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
   * Text a key parser must survive: arbitrary text up to 70 code points, 44 characters of a
   * base64-ish alphabet, and 64 characters of a hex-ish alphabet.
   */
  public static Gen<String> keyishText() {
    return Gens.anyOf(Gens.strings(70),
        Gens.strings("ABCDEFabcdef0123456789+/=-_ \n", 44, 44),
        Gens.strings("0123456789abcdefABCDEFxg", 64, 64));
  }
}
