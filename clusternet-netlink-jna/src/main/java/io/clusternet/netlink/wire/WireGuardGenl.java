package io.clusternet.netlink.wire;

/** Constants of {@code linux/wireguard.h} (checked against the header by {@code HeaderConstantsTest}). */
public final class WireGuardGenl {
  private WireGuardGenl() {}

  public static final String WG_GENL_NAME = "wireguard";
  public static final int WG_GENL_VERSION = 1;
  public static final int WG_KEY_LEN = 32;

  public static final int WG_CMD_GET_DEVICE = 0;
  public static final int WG_CMD_SET_DEVICE = 1;

  public static final int WGDEVICE_F_REPLACE_PEERS = 1;

  public static final int WGDEVICE_A_IFINDEX = 1;
  public static final int WGDEVICE_A_IFNAME = 2;
  public static final int WGDEVICE_A_PRIVATE_KEY = 3;
  public static final int WGDEVICE_A_PUBLIC_KEY = 4;
  public static final int WGDEVICE_A_FLAGS = 5;
  public static final int WGDEVICE_A_LISTEN_PORT = 6;
  public static final int WGDEVICE_A_FWMARK = 7;
  public static final int WGDEVICE_A_PEERS = 8;

  public static final int WGPEER_F_REMOVE_ME = 1;
  public static final int WGPEER_F_REPLACE_ALLOWEDIPS = 2;
  public static final int WGPEER_F_UPDATE_ONLY = 4;

  public static final int WGPEER_A_PUBLIC_KEY = 1;
  public static final int WGPEER_A_PRESHARED_KEY = 2;
  public static final int WGPEER_A_FLAGS = 3;
  public static final int WGPEER_A_ENDPOINT = 4;
  public static final int WGPEER_A_PERSISTENT_KEEPALIVE_INTERVAL = 5;
  public static final int WGPEER_A_LAST_HANDSHAKE_TIME = 6;
  public static final int WGPEER_A_RX_BYTES = 7;
  public static final int WGPEER_A_TX_BYTES = 8;
  public static final int WGPEER_A_ALLOWEDIPS = 9;
  public static final int WGPEER_A_PROTOCOL_VERSION = 10;

  public static final int WGALLOWEDIP_A_FAMILY = 1;
  public static final int WGALLOWEDIP_A_IPADDR = 2;
  public static final int WGALLOWEDIP_A_CIDR_MASK = 3;
}
