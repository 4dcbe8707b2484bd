package io.clusternet.netlink.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One attribute: its type with the flag bits masked off, whether {@code NLA_F_NESTED} was set,
 * and a little-endian view of its payload (without padding).
 */
public record Attribute(int type, boolean nested, ByteBuffer value) {

  /**
   * Parses a run of attributes. Types are masked with {@code NLA_TYPE_MASK}. Type 0 is kept: it
   * is both the kernel's array-element type and the empty pad that {@code nla_put_u64_64bit}
   * emits on some architectures; decoders of named attributes ignore it (it names nothing), and
   * {@link #elements()} drops the empty pads from arrays.
   */
  public static List<Attribute> parse(ByteBuffer region) throws NetlinkDecodeException {
    ByteBuffer b = region.duplicate().order(ByteOrder.LITTLE_ENDIAN);
    List<Attribute> out = new ArrayList<>();
    while (b.remaining() >= Netlink.NLA_HDRLEN) {
      int start = b.position();
      int len = Short.toUnsignedInt(b.getShort(start));
      int rawType = Short.toUnsignedInt(b.getShort(start + 2));
      if (len < Netlink.NLA_HDRLEN || len > b.remaining()) {
        throw new NetlinkDecodeException("attribute length " + len + " at offset " + start
            + " does not fit in " + b.remaining() + " bytes");
      }
      int type = rawType & Netlink.NLA_TYPE_MASK;
      ByteBuffer value = b.duplicate().position(start + Netlink.NLA_HDRLEN).limit(start + len)
          .slice().order(ByteOrder.LITTLE_ENDIAN);
      out.add(new Attribute(type, (rawType & Netlink.NLA_F_NESTED) != 0, value));
      b.position(Math.min(b.limit(), start + Netlink.align(len)));
    }
    if (b.remaining() != 0) {
      throw new NetlinkDecodeException(b.remaining() + " stray bytes after the attributes");
    }
    return out;
  }

  private void requireLength(int n) throws NetlinkDecodeException {
    if (value.remaining() != n) {
      throw new NetlinkDecodeException("attribute " + type + " has " + value.remaining()
          + " bytes, expected " + n);
    }
  }

  public int u8() throws NetlinkDecodeException {
    requireLength(1);
    return Byte.toUnsignedInt(value.get(0));
  }

  public int u16() throws NetlinkDecodeException {
    requireLength(2);
    return Short.toUnsignedInt(value.getShort(0));
  }

  public int u32() throws NetlinkDecodeException {
    requireLength(4);
    return value.getInt(0);
  }

  public long u64() throws NetlinkDecodeException {
    requireLength(8);
    return value.getLong(0);
  }

  public byte[] bytes() {
    byte[] out = new byte[value.remaining()];
    value.duplicate().get(out);
    return out;
  }

  public byte[] bytes(int expectedLength) throws NetlinkDecodeException {
    requireLength(expectedLength);
    return bytes();
  }

  /** A string, up to its NUL terminator if there is one. */
  public String string() {
    byte[] b = bytes();
    int n = 0;
    while (n < b.length && b[n] != 0) n++;
    return new String(b, 0, n, StandardCharsets.UTF_8);
  }

  /**
   * The elements of a nested array (such as the peers of {@code WGDEVICE_A_PEERS}), whatever
   * their index types; empty pad attributes are skipped.
   */
  public List<Attribute> elements() throws NetlinkDecodeException {
    List<Attribute> all = parse(value);
    all.removeIf(a -> a.type() == 0 && !a.value().hasRemaining());
    return all;
  }

  /** The attributes nested inside this one. */
  public List<Attribute> children() throws NetlinkDecodeException {
    return parse(value);
  }
}
