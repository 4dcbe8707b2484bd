package io.clusternet.netlink.wire;

/** Constants of {@code linux/genetlink.h} (checked against the header by {@code HeaderConstantsTest}). */
public final class GenlCtrl {
  private GenlCtrl() {}

  public static final int GENL_HDRLEN = 4;
  public static final int GENL_ID_CTRL = 0x10;
  public static final int CTRL_CMD_GETFAMILY = 3;
  public static final int CTRL_ATTR_FAMILY_ID = 1;
  public static final int CTRL_ATTR_FAMILY_NAME = 2;
  public static final int CTRL_VERSION = 2;
}
