package io.clusternet.benchmarks;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.core.keys.X25519;
import io.clusternet.core.mesh.MeshMapper;
import io.clusternet.core.mesh.NodeInfo;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** Deterministic clusters of N nodes for the benchmarks. */
final class Fixtures {
  static final String ANN = "clusternet.io/wireguard-public-key";

  private Fixtures() {}

  /** A random-looking but deterministic public key (not derived: derivation is not measured). */
  static PublicKey key(SplittableRandom r) {
    byte[] b = new byte[32];
    for (int i = 0; i < 32; i++) b[i] = (byte) r.nextInt(256);
    try {
      return PublicKey.fromBytes(b);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** Node i: InternalIP 10.(i>>16).(i>>8).(i), pod CIDR 100.(64+(i>>8)).(i&255).0/24. */
  static NodeInfo node(int i, PublicKey key, String extra) {
    String ip = "10." + ((i >> 16) & 255) + "." + ((i >> 8) & 255) + "." + (i & 255);
    String cidr = "100." + (64 + ((i >> 8) & 63)) + "." + (i & 255) + ".0/24";
    return new NodeInfo("node-" + i, Instant.ofEpochSecond(1_700_000_000L + i),
        extra == null ? Map.of(ANN, key.toBase64()) : Map.of(ANN, key.toBase64(), "x", extra),
        List.of(ip), List.of(cidr));
  }

  static List<NodeInfo> cluster(int n, long seed) {
    SplittableRandom r = new SplittableRandom(seed);
    List<NodeInfo> nodes = new ArrayList<>(n);
    for (int i = 1; i <= n; i++) nodes.add(node(i, key(r), null));
    return nodes;
  }

  static MeshMapper.Config config(PrivateKey self) {
    return new MeshMapper.Config("node-0", X25519.publicKey(self),
        List.of(), ANN, 51820, MeshMapper.AddressFamily.PREFER_IPV4, false, Duration.ZERO);
  }
}
