package io.clusternet.core.keys;

import io.clusternet.api.crypto.KeyFormatException;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import java.security.SecureRandom;
import java.util.Arrays;

/**
 * Curve25519 keys as WireGuard uses them, computed with BouncyCastle's RFC 7748 implementation.
 * The only class in clusternet that imports BouncyCastle.
 */
public final class X25519 {
  private static final SecureRandom RANDOM = new SecureRandom();

  private X25519() {}

  /** A new private key from a {@link SecureRandom}, clamped as {@code wg genkey} clamps. */
  public static PrivateKey generatePrivateKey() {
    return generatePrivateKey(RANDOM);
  }

  /** A new private key from {@code random}, clamped as {@code wg genkey} clamps. */
  public static PrivateKey generatePrivateKey(SecureRandom random) {
    byte[] k = new byte[32];
    random.nextBytes(k);
    clamp(k);
    try {
      return PrivateKey.fromBytes(k);
    } catch (KeyFormatException e) {
      throw new AssertionError(e);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /**
   * The public key of {@code privateKey}: X25519(k, 9). Clamping is part of the function, so an
   * unclamped private key derives the same public key as its clamped form (as in {@code wg}).
   */
  public static PublicKey publicKey(PrivateKey privateKey) {
    byte[] k = privateKey.toBytes();
    byte[] pub = new byte[32];
    try {
      org.bouncycastle.math.ec.rfc7748.X25519.scalarMultBase(k, 0, pub, 0);
      return PublicKey.fromBytes(pub);
    } catch (KeyFormatException e) {
      throw new AssertionError(e);
    } finally {
      Arrays.fill(k, (byte) 0);
    }
  }

  /** X25519(k, u) from RFC 7748 section 5; for known-answer tests. */
  static byte[] scalarMult(byte[] k, byte[] u) {
    byte[] r = new byte[32];
    org.bouncycastle.math.ec.rfc7748.X25519.scalarMult(k, 0, u, 0, r, 0);
    return r;
  }

  /** WireGuard's (and RFC 7748's) clamping of a private scalar. */
  static void clamp(byte[] k) {
    k[0] &= (byte) 248;
    k[31] &= 127;
    k[31] |= 64;
  }
}
