package io.clusternet.core.mesh;

import io.clusternet.api.net.IpPrefix;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Claimed prefixes with a fast overlap query: two prefixes overlap exactly when one contains the
 * other, so a query looks up each shorter mask of the candidate (at most 33 or 129 hash lookups)
 * and the first claimed network at or after the candidate's start (one tree lookup). O(log n)
 * instead of comparing against every claim.
 */
final class PrefixSet {
  private record Key(byte[] bytes, int length) {
    @Override
    public boolean equals(Object o) {
      return o instanceof Key k && length == k.length && Arrays.equals(bytes, k.bytes);
    }

    @Override
    public int hashCode() {
      return 31 * Arrays.hashCode(bytes) + length;
    }
  }

  private final Map<Key, String> byPrefix = new HashMap<>();
  private final TreeMap<byte[], IpPrefix> v4 = new TreeMap<>(Arrays::compareUnsigned);
  private final TreeMap<byte[], IpPrefix> v6 = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<IpPrefix, String> owners = new HashMap<>();

  void add(IpPrefix prefix, String owner) {
    byPrefix.put(new Key(prefix.addressBytes(), prefix.length()), owner);
    TreeMap<byte[], IpPrefix> tree = prefix.isIpv4() ? v4 : v6;
    IpPrefix existing = tree.get(prefix.addressBytes());
    // Keep the shortest prefix per start address: it covers the longer ones.
    if (existing == null || existing.length() > prefix.length()) {
      tree.put(prefix.addressBytes(), prefix);
    }
    owners.put(prefix, owner);
  }

  /** A claimed prefix overlapping {@code p}, described as "prefix of owner", or null. */
  String overlap(IpPrefix p) {
    byte[] bytes = p.addressBytes();
    // A claim containing p: p's network masked to each length up to p's own.
    byte[] masked = bytes.clone();
    for (int len = p.length(); len >= 0; len--) {
      mask(masked, bytes, len);
      String owner = byPrefix.get(new Key(masked, len));
      if (owner != null) return render(masked, len, owner, p.isIpv4());
    }
    // A claim inside p: the first claimed start at or after p's start, if it is within p.
    TreeMap<byte[], IpPrefix> tree = p.isIpv4() ? v4 : v6;
    Map.Entry<byte[], IpPrefix> next = tree.ceilingEntry(bytes);
    if (next != null && p.contains(next.getValue())) {
      return next.getValue() + " of " + owners.get(next.getValue());
    }
    return null;
  }

  private static void mask(byte[] out, byte[] in, int length) {
    for (int i = 0; i < in.length; i++) {
      int keep = Math.max(0, Math.min(8, length - i * 8));
      out[i] = (byte) (in[i] & (0xff << (8 - keep)));
    }
  }

  private static String render(byte[] bytes, int len, String owner, boolean v4) {
    try {
      return IpPrefix.of(java.net.InetAddress.getByAddress(bytes.clone()), len) + " of " + owner;
    } catch (java.net.UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
