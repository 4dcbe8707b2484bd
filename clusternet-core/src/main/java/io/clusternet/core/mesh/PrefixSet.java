package io.clusternet.core.mesh;

import io.clusternet.api.net.IpPrefix;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * Claimed prefixes with a fast overlap query: two prefixes overlap exactly when one contains the
 * other, so a query looks up each shorter mask of the candidate (only mask lengths in use; at most
 * 33 or 129 hash lookups)
 * and the first claimed network at or after the candidate's start (one tree lookup). O(log n)
 * instead of comparing against every claim.
 */
final class PrefixSet {
  private final Map<PrefixKey, String> byPrefix = new HashMap<>();
  private final TreeMap<byte[], IpPrefix> v4 = new TreeMap<>(Arrays::compareUnsigned);
  private final TreeMap<byte[], IpPrefix> v6 = new TreeMap<>(Arrays::compareUnsigned);
  private final Map<IpPrefix, String> owners = new HashMap<>();
  private final boolean[] v4Lengths = new boolean[33]; // mask lengths claimed, per family
  private final boolean[] v6Lengths = new boolean[129];

  void add(IpPrefix prefix, String owner) {
    byPrefix.put(new PrefixKey(prefix.addressBytes(), prefix.length()), owner);
    (prefix.isIpv4() ? v4Lengths : v6Lengths)[prefix.length()] = true;
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
    boolean[] inUse = p.isIpv4() ? v4Lengths : v6Lengths;
    for (int len = p.length(); len >= 0; len--) {
      if (!inUse[len]) continue;
      PrefixKey.mask(masked, bytes, len);
      String owner = byPrefix.get(new PrefixKey(masked, len));
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

  private static String render(byte[] bytes, int len, String owner, boolean v4) {
    // IpAddresses keeps an IPv4-mapped claim IPv6 (InetAddress.getByAddress would not).
    return IpPrefix.of(io.clusternet.api.net.IpAddresses.fromBytes(bytes.clone()), len) + " of "
        + owner;
  }
}
