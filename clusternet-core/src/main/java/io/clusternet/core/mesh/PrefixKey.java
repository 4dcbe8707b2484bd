package io.clusternet.core.mesh;

import java.util.Arrays;

/** A prefix as (network bytes, length), cheap to build for every mask length of a lookup. */
record PrefixKey(byte[] bytes, int length) {
  @Override
  public boolean equals(Object o) {
    return o instanceof PrefixKey k && length == k.length && Arrays.equals(bytes, k.bytes);
  }

  @Override
  public int hashCode() {
    return 31 * Arrays.hashCode(bytes) + length;
  }

  @Override
  public String toString() {
    return Arrays.toString(bytes) + "/" + length;
  }

  /** Writes {@code in} masked to {@code length} bits into {@code out}. */
  static void mask(byte[] out, byte[] in, int length) {
    for (int i = 0; i < in.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      out[i] = (byte) (in[i] & (0xff << (8 - keep)));
    }
  }

  /** The last address of the prefix {@code bytes/length}. */
  static byte[] last(byte[] bytes, int length) {
    byte[] out = bytes.clone();
    for (int i = 0; i < out.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      out[i] = (byte) (out[i] | (0xff >>> keep));
    }
    return out;
  }
}
