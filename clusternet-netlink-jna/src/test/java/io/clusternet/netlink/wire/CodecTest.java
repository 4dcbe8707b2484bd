package io.clusternet.netlink.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import io.clusternet.props.Props;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.api.Test;

/** Golden bytes for the encoder; round trips and arbitrary bytes for the decoder. */
class CodecTest {
  static String hex(byte[] b) {
    return HexFormat.of().formatHex(b);
  }

  static Stream<Arguments> golden() {
    return Stream.of(
        Arguments.of("CTRL_CMD_GETFAMILY wireguard",
            new MessageBuilder(0x10, 0x5).genlHeader(3, 2).attrString(2, "wireguard")
                .finish(7, 0),
            // len=36 type=0x10 flags=0x5 seq=7 pid=0 | cmd 3 ver 2 | nla len 14 type 2 "wireguard\0" pad 2
            "24000000" + "1000" + "0500" + "07000000" + "00000000" + "03020000"
                + "0e00" + "0200" + "776972656775617264" + "00" + "0000"),
        Arguments.of("u8/u16/u32 attributes are padded to 4",
            new MessageBuilder(0x1d, 0x1).attrU8(3, 0x18).attrU16(6, 51820).attrU32(7, -1)
                .finish(1, 2),
            "28000000" + "1d00" + "0100" + "01000000" + "02000000"
                + "0500" + "0300" + "18" + "000000"
                + "0600" + "0600" + "6cca" + "0000"
                + "0800" + "0700" + "ffffffff"),
        Arguments.of("nested attributes carry NLA_F_NESTED and their full length",
            nested(),
            "24000000" + "1d00" + "0100" + "00000000" + "00000000"
                + "1400" + "0880" // PEERS nest, 20 bytes, 0x8000|8
                + "1000" + "0080" // element 0 nest, 16 bytes
                + "0c00" + "0100" + "0102030405060708"));
  }

  static byte[] nested() {
    MessageBuilder b = new MessageBuilder(0x1d, 0x1);
    int peers = b.beginNested(8);
    int peer = b.beginNested(0);
    b.attrBytes(1, new byte[] {1, 2, 3, 4, 5, 6, 7, 8});
    b.endNested(peer);
    b.endNested(peers);
    return b.finish(0, 0);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("golden")
  void encoderGoldenBytes(String name, byte[] actual, String expected) {
    assertThat(hex(actual)).isEqualTo(expected);
  }

  @Test
  void decoderReadsWhatTheEncoderWrote() throws Exception {
    byte[] msg = new MessageBuilder(0x1d, 0x2 | 0x10).genlHeader(0, 1)
        .attrString(2, "wg0").attrU16(6, 51820).attrU32(7, 42).finish(99, 7);
    byte[] two = new byte[msg.length * 2];
    System.arraycopy(msg, 0, two, 0, msg.length);
    System.arraycopy(msg, 0, two, msg.length, msg.length);
    List<NetlinkMessage> messages = NetlinkMessage.split(ByteBuffer.wrap(two));
    assertThat(messages).hasSize(2);
    NetlinkMessage m = messages.get(1);
    assertThat(m.type()).isEqualTo(0x1d);
    assertThat(m.flags()).isEqualTo(0x12);
    assertThat(m.seq()).isEqualTo(99);
    assertThat(m.portId()).isEqualTo(7);
    List<Attribute> attrs = Attribute.parse(m.payload().duplicate().position(4).slice());
    assertThat(attrs).extracting(Attribute::type).containsExactly(2, 6, 7);
    assertThat(attrs.get(0).string()).isEqualTo("wg0");
    assertThat(attrs.get(1).u16()).isEqualTo(51820);
    assertThat(attrs.get(2).u32()).isEqualTo(42);
    assertThatThrownBy(() -> attrs.get(2).u16()).isInstanceOf(NetlinkDecodeException.class);
  }

  @Test
  void nestedFlagIsMaskedOnReadAndPadsAreDroppedFromArrays() throws Exception {
    NetlinkMessage m = NetlinkMessage.split(ByteBuffer.wrap(nested())).get(0);
    Attribute peers = Attribute.parse(m.payload()).get(0);
    assertThat(peers.type()).isEqualTo(8);
    assertThat(peers.nested()).isTrue();
    assertThat(peers.elements()).hasSize(1);
    byte[] withPad = ByteBuffer.allocate(16).order(ByteOrder.LITTLE_ENDIAN)
        .putShort((short) 4).putShort((short) 0) // an empty type-0 pad
        .putShort((short) 8).putShort((short) 0x8000).putInt(0x01020304) // element 0
        .putShort((short) 4).putShort((short) 5).array();
    Attribute array = new Attribute(8, true, ByteBuffer.wrap(withPad).order(ByteOrder.LITTLE_ENDIAN));
    assertThat(array.elements()).hasSize(2).extracting(Attribute::type).containsExactly(0, 5);
  }

  @Test
  void errorsCarryErrnoAndExtendedAckText() throws Exception {
    MessageBuilder b = new MessageBuilder(Netlink.NLMSG_ERROR,
        Netlink.NLM_F_CAPPED | Netlink.NLM_F_ACK_TLVS).u32(-22)
        .u32(16).u16(0x1d).u16(5).u32(3).u32(0);
    b.attrString(Netlink.NLMSGERR_ATTR_MSG, "Attribute failed policy validation");
    NetlinkMessage m = NetlinkMessage.split(ByteBuffer.wrap(b.finish(3, 0))).get(0);
    assertThat(m.errorCode()).isEqualTo(-22);
    assertThat(m.extendedAckMessage()).isEqualTo("Attribute failed policy validation");
  }

  @Test
  void arbitraryBytesGiveOnlyTheTypedException() {
    Props.check(5000, WireGenerators.receivedBytes(), bytes -> {
      try {
        for (NetlinkMessage m : NetlinkMessage.split(ByteBuffer.wrap(bytes))) {
          for (Attribute a : Attribute.parse(m.payload())) {
            a.elements();
            a.string();
          }
          m.extendedAckMessage();
        }
      } catch (NetlinkDecodeException expected) {
        // fine
      }
    });
  }

  @Test
  void attributesRoundTrip() {
    Props.check(2000, WireGenerators.attributeValues(), values -> {
      MessageBuilder b = new MessageBuilder(0x20, 0);
      for (int i = 0; i < values.size(); i++) b.attrBytes(i + 1, values.get(i));
      NetlinkMessage m = NetlinkMessage.split(ByteBuffer.wrap(b.finish(1, 1))).get(0);
      List<Attribute> attrs = Attribute.parse(m.payload());
      assertThat(attrs).hasSize(values.size());
      for (int i = 0; i < values.size(); i++) {
        assertThat(attrs.get(i).type()).isEqualTo(i + 1);
        assertThat(attrs.get(i).bytes()).isEqualTo(values.get(i));
      }
    });
  }

  /** Issue 13 item 11: nla_len is 16 bits; a longer attribute or nest throws, never wraps. */
  @Test
  void anAttributeOrNestLongerThan65535BytesThrowsInsteadOfWrapping() {
    MessageBuilder b = new MessageBuilder(0x1d, 0x1);
    int before = b.size();
    assertThatThrownBy(() -> b.attrBytes(1, new byte[65_532]))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");
    assertThat(b.size()).as("nothing written").isEqualTo(before);
    b.attrBytes(1, new byte[65_531]); // 4 + 65531 = 65535: the largest that fits
    assertThat(Short.toUnsignedInt(ByteBuffer.wrap(b.finish(0, 0)).order(ByteOrder.LITTLE_ENDIAN)
        .getShort(16))).isEqualTo(65_535);

    MessageBuilder n = new MessageBuilder(0x1d, 0x1);
    int nest = n.beginNested(8);
    for (int i = 0; i < 17; i++) n.attrBytes(1, new byte[4_000]); // 17 * 4004 + 4 > 65535
    assertThatThrownBy(() -> n.endNested(nest))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("65535");

    MessageBuilder s = new MessageBuilder(0x1d, 0x1);
    assertThatThrownBy(() -> s.attrString(2, "x".repeat(65_531)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
