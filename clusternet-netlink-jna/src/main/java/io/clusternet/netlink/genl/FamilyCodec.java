package io.clusternet.netlink.genl;

import io.clusternet.netlink.wire.Attribute;
import io.clusternet.netlink.wire.GenlCtrl;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import java.util.List;
import java.util.OptionalInt;

/** {@code CTRL_CMD_GETFAMILY}: resolving a generic netlink family name to its id. */
public final class FamilyCodec {
  private FamilyCodec() {}

  public static MessageBuilder getFamily(String name) {
    return new MessageBuilder(GenlCtrl.GENL_ID_CTRL, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK)
        .genlHeader(GenlCtrl.CTRL_CMD_GETFAMILY, GenlCtrl.CTRL_VERSION)
        .attrString(GenlCtrl.CTRL_ATTR_FAMILY_NAME, name);
  }

  /** The family id in a reply, if there is one. */
  public static OptionalInt familyId(List<NetlinkMessage> reply) throws NetlinkDecodeException {
    for (NetlinkMessage m : reply) {
      if (m.type() != GenlCtrl.GENL_ID_CTRL || m.payload().remaining() < GenlCtrl.GENL_HDRLEN) {
        continue;
      }
      for (Attribute a : Attribute.parse(
          m.payload().duplicate().position(GenlCtrl.GENL_HDRLEN).slice())) {
        if (a.type() == GenlCtrl.CTRL_ATTR_FAMILY_ID) return OptionalInt.of(a.u16());
      }
    }
    return OptionalInt.empty();
  }
}
