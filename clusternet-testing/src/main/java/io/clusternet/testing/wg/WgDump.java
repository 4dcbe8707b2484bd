package io.clusternet.testing.wg;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The output of {@code wg show <iface> dump}, parsed, for cross-checks against the real tool:
 * one tab-separated device line (private key, public key, listen port, fwmark), then one line
 * per peer. Values stay as {@code wg} prints them ({@code (none)}, {@code off}).
 *
 * @param privateKey base64 or {@code (none)}
 * @param publicKey base64 or {@code (none)}
 * @param listenPort the listen port
 * @param fwmark the fwmark or {@code off}
 * @param peers peers by base64 public key, in {@code wg}'s order
 */
public record WgDump(String privateKey, String publicKey, int listenPort, String fwmark,
    Map<String, Peer> peers) {

  /**
   * One peer line.
   *
   * @param allowedIps empty for {@code (none)}
   * @param latestHandshake seconds since the epoch, 0 for none
   */
  public record Peer(String publicKey, String presharedKey, String endpoint,
      List<String> allowedIps, long latestHandshake, long receiveBytes, long transmitBytes,
      String persistentKeepalive) {}

  public static WgDump parse(String output) {
    List<String> lines = output.lines().toList();
    String[] d = lines.get(0).split("\t");
    Map<String, Peer> peers = new LinkedHashMap<>();
    for (String line : lines.subList(1, lines.size())) {
      String[] f = line.split("\t");
      List<String> ips = f[3].equals("(none)") ? List.of() : Arrays.asList(f[3].split(","));
      peers.put(f[0], new Peer(f[0], f[1], f[2], List.copyOf(ips), Long.parseLong(f[4]),
          Long.parseLong(f[5]), Long.parseLong(f[6]), f[7]));
    }
    return new WgDump(d[0], d[1], Integer.parseInt(d[2]), d[3], peers);
  }
}
