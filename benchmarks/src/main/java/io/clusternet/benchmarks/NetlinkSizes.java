package io.clusternet.benchmarks;

import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.netlink.genl.WgDeviceCodec;
import io.clusternet.netlink.wire.MessageBuilder;
import java.util.List;

/**
 * Message counts and bytes of SET_DEVICE for 10,000 peers: ours (wg(8)'s byte-budget packing at
 * 8,192 bytes) beside wgctrl-go's rule. Deterministic, so printed rather than timed.
 */
public final class NetlinkSizes {
  private NetlinkSizes() {}

  public static void main(String[] args) throws Exception {
    System.out.println("| peers | IPs/peer | our messages | our bytes | messageCount() formula "
        + "| wgctrl-go's rule |");
    System.out.println("|---:|---:|---:|---:|---:|---:|");
    for (int ips : new int[] {1, 4}) {
      DeviceConfig c = NetlinkFixtures.config(10_000, ips);
      List<MessageBuilder> ours = WgDeviceCodec.setDevice(0x1d, "clusternet", c, 8192);
      long bytes = ours.stream().mapToLong(MessageBuilder::size).sum();
      // nest 4, key 36, flags 8, endpoint 20, keepalive 8, IPs nest 4, 28 per IPv4 allowed IP
      int peerBytes = 80 + 28 * ips;
      int room = 8192 - (16 + 4 + 16 + 4); // header, genl, IFNAME "clusternet", PEERS nest
      System.out.printf("| 10000 | %d | %d | %d | %d | %d |%n", ips, ours.size(), bytes,
          WgDeviceCodec.messageCount(10_000, peerBytes, room),
          NetlinkFixtures.wgctrlMessages(10_000, ips));
    }
  }
}
