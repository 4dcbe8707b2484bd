package io.clusternet.netlink.genl;

import io.clusternet.props.Gens;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.quicktheories.core.Gen;

/** Generators for the WireGuard genl codec's property tests. */
public final class GenlGenerators {
  private GenlGenerators() {}

  /** How much to pack into how little: peer count, allowed IPs per big peer, message budget. */
  public record PackingCase(int peers, int ipsPerPeer, int budget) {}

  /** An allowed-IP nest as the kernel might send it: family, address bytes, mask. */
  public record AllowedIpCase(int family, byte[] address, int mask) {}

  /**
   * Allowed IPs: AF_INET with 4 bytes, AF_INET6 with 16 (one in three IPv4-mapped, {@code
   * ::ffff:a.b.c.d}, issue 13 item 10), and near misses: other families, other lengths, masks up
   * to 255.
   */
  public static Gen<AllowedIpCase> allowedIps() {
    Gen<AllowedIpCase> v4 = Gens.bytes(4).zip(Gens.ints(0, 32), (a, m) -> new AllowedIpCase(2, a, m));
    Gen<AllowedIpCase> v6 = Gens.anyOf(Gens.bytes(16), mapped()).zip(Gens.ints(0, 128),
        (a, m) -> new AllowedIpCase(10, a, m));
    Gen<AllowedIpCase> odd = Gens.oneOf(0, 2, 7, 10).zip(Gens.bytes(0, 20), Gens.ints(0, 255),
        AllowedIpCase::new);
    return Gens.weighted(new int[] {3, 3, 2}, v4, v6, odd);
  }

  /**
   * {@code WGPEER_A_ENDPOINT} values: sockaddr_in, sockaddr_in6 with an IPv4-mapped or link-local
   * address and a scope id (issue 13 item 9), and arbitrary bytes.
   */
  public static Gen<byte[]> sockaddrs() {
    Gen<byte[]> in6 = Gens.anyOf(Gens.bytes(16), mapped(), Gens.oneOf(FE80_1))
        .zip(Gens.ints(0, 65535), Gens.ints(-1, 5), (a, port, scope) -> {
          ByteBuffer b = ByteBuffer.allocate(28).order(ByteOrder.LITTLE_ENDIAN);
          b.putShort((short) 10).order(ByteOrder.BIG_ENDIAN).putShort((short) (int) port)
              .putInt(0).put(a).order(ByteOrder.LITTLE_ENDIAN).putInt(scope);
          return b.array();
        });
    Gen<byte[]> in4 = Gens.bytes(4).zip(Gens.ints(0, 65535), (a, port) -> {
      ByteBuffer b = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN);
      b.putShort((short) 2).order(ByteOrder.BIG_ENDIAN).putShort((short) (int) port).put(a);
      return b.array();
    });
    return Gens.weighted(new int[] {3, 2, 1}, in6, in4, Gens.bytes(0, 30));
  }

  /** {@code WGPEER_A_LAST_HANDSHAKE_TIME}: 16 or 8 bytes of any value, or another length. */
  public static Gen<byte[]> handshakeTimes() {
    return Gens.anyOf(Gens.bytes(16), Gens.bytes(8), Gens.bytes(0, 20));
  }

  /** One peer of a GET_DEVICE reply. */
  public record PeerCase(List<AllowedIpCase> allowedIps, byte[] endpoint, byte[] handshake) {}

  /** Peers with up to 6 allowed IPs, an endpoint and a handshake time, all of the kinds above. */
  public static Gen<PeerCase> peers() {
    return Gens.lists(allowedIps(), 0, 6).zip(sockaddrs(), handshakeTimes(), PeerCase::new);
  }

  private static final byte[] FE80_1 = {(byte) 0xfe, (byte) 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
      0, 0, 0, 1};

  private static Gen<byte[]> mapped() {
    return Gens.bytes(4).map(v4 -> {
      byte[] b = new byte[16];
      b[10] = (byte) 0xff;
      b[11] = (byte) 0xff;
      System.arraycopy(v4, 0, b, 12, 4);
      return b;
    });
  }

  /** 0 to 300 peers, 0 to 700 IPs for every fifth peer (2 for the others), budgets 600 to 16384. */
  public static Gen<PackingCase> packingCases() {
    return Gens.ints(0, 300).zip(Gens.ints(0, 700), Gens.ints(600, 16384), PackingCase::new);
  }
}
