package io.clusternet.core.mesh;

import io.clusternet.api.net.IpPrefix;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Every candidate's allowed IPs with their owners (several owners may claim the same or
 * overlapping prefixes), answering "who claims anything overlapping this prefix?" in O(mask
 * lengths + matches): the claims containing it by one hash lookup per shorter mask, the claims
 * inside it by one range of a tree ordered by network address.
 */
final class CandidateIndex {
  private final Map<PrefixKey, Set<String>> byPrefix = new HashMap<>();
  private final TreeMap<byte[], Map<Integer, Set<String>>> v4 =
      new TreeMap<>(Arrays::compareUnsigned);
  private final TreeMap<byte[], Map<Integer, Set<String>>> v6 =
      new TreeMap<>(Arrays::compareUnsigned);
  // How many claims use each mask length, per family: a lookup tries only lengths in use (in a
  // typical cluster, one).
  private final int[] v4Lengths = new int[33];
  private final int[] v6Lengths = new int[129];

  void add(IpPrefix prefix, String owner) {
    byte[] bytes = prefix.addressBytes();
    if (byPrefix.computeIfAbsent(new PrefixKey(bytes, prefix.length()), k -> new HashSet<>(2))
        .add(owner)) {
      (prefix.isIpv4() ? v4Lengths : v6Lengths)[prefix.length()]++;
    }
    (prefix.isIpv4() ? v4 : v6).computeIfAbsent(bytes, k -> new HashMap<>(2))
        .computeIfAbsent(prefix.length(), k -> new HashSet<>(2)).add(owner);
  }

  void remove(IpPrefix prefix, String owner) {
    byte[] bytes = prefix.addressBytes();
    PrefixKey key = new PrefixKey(bytes, prefix.length());
    Set<String> owners = byPrefix.get(key);
    if (owners == null || !owners.remove(owner)) return;
    (prefix.isIpv4() ? v4Lengths : v6Lengths)[prefix.length()]--;
    if (owners.isEmpty()) byPrefix.remove(key);
    TreeMap<byte[], Map<Integer, Set<String>>> tree = prefix.isIpv4() ? v4 : v6;
    Map<Integer, Set<String>> atStart = tree.get(bytes);
    if (atStart == null) return;
    Set<String> s = atStart.get(prefix.length());
    if (s != null && s.remove(owner) && s.isEmpty()) atStart.remove(prefix.length());
    if (atStart.isEmpty()) tree.remove(bytes);
  }

  /** Adds to {@code out} every owner of a claim overlapping {@code p}. */
  void overlapping(IpPrefix p, Set<String> out) {
    byte[] bytes = p.addressBytes();
    byte[] masked = bytes.clone();
    int[] inUse = p.isIpv4() ? v4Lengths : v6Lengths;
    for (int len = p.length(); len >= 0; len--) { // claims containing p (or equal to it)
      if (inUse[len] == 0) continue;
      PrefixKey.mask(masked, bytes, len);
      Set<String> owners = byPrefix.get(new PrefixKey(masked, len));
      if (owners != null) out.addAll(owners);
    }
    // Claims inside p: their network lies in p's range and their mask is at least p's.
    TreeMap<byte[], Map<Integer, Set<String>>> tree = p.isIpv4() ? v4 : v6;
    for (Map<Integer, Set<String>> atStart
        : tree.subMap(bytes, true, PrefixKey.last(bytes, p.length()), true).values()) {
      for (Map.Entry<Integer, Set<String>> e : atStart.entrySet()) {
        if (e.getKey() >= p.length()) out.addAll(e.getValue());
      }
    }
  }
}
