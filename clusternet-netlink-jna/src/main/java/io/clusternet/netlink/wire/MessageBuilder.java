package io.clusternet.netlink.wire;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes one netlink message: the 16-byte {@code nlmsghdr} (length, sequence and port are filled
 * in by {@link #finish}), a family header, and attributes padded to 4 bytes, with {@code
 * NLA_F_NESTED} on every nested attribute. Host byte order (little-endian), as the kernel expects.
 *
 * <p>An attribute's length field ({@code nla_len}) is 16 bits: an attribute or a nest longer than
 * {@link #MAX_ATTRIBUTE_LENGTH} bytes (header included) throws {@link IllegalArgumentException}
 * instead of being written with a wrapped length, which the kernel would parse as other data.
 */
public final class MessageBuilder {
  /** The largest attribute, header included, that {@code nla_len} (a u16) can describe. */
  public static final int MAX_ATTRIBUTE_LENGTH = 0xFFFF;

  private ByteBuffer buf;

  public MessageBuilder(int type, int flags) {
    buf = ByteBuffer.allocate(256).order(ByteOrder.LITTLE_ENDIAN);
    buf.putInt(0).putShort((short) type).putShort((short) flags).putInt(0).putInt(0);
  }

  /** The current write position: a mark for {@link #truncate}. */
  public int position() {
    return buf.position();
  }

  /** Drops everything written after {@code mark} (from {@link #position()}). */
  public void truncate(int mark) {
    if (mark < Netlink.NLMSG_HDRLEN || mark > buf.position()) {
      throw new IllegalArgumentException("bad mark " + mark);
    }
    java.util.Arrays.fill(buf.array(), mark, buf.position(), (byte) 0);
    buf.position(mark);
  }

  /** The header's flags. */
  public int flags() {
    return Short.toUnsignedInt(buf.getShort(6));
  }

  /** The size so far, in bytes, including the header. */
  public int size() {
    return buf.position();
  }

  private void ensure(int more) {
    if (buf.remaining() < more) {
      int capacity = Math.max(buf.capacity() * 2, buf.position() + more);
      buf = ByteBuffer.wrap(Arrays.copyOf(buf.array(), capacity)).order(ByteOrder.LITTLE_ENDIAN)
          .position(buf.position());
    }
  }

  private void pad() {
    int padded = Netlink.align(buf.position());
    ensure(padded - buf.position());
    while (buf.position() < padded) buf.put((byte) 0);
  }

  public MessageBuilder u8(int v) {
    ensure(1);
    buf.put((byte) v);
    return this;
  }

  public MessageBuilder u16(int v) {
    ensure(2);
    buf.putShort((short) v);
    return this;
  }

  public MessageBuilder u32(int v) {
    ensure(4);
    buf.putInt(v);
    return this;
  }

  public MessageBuilder bytes(byte[] v) {
    ensure(v.length);
    buf.put(v);
    return this;
  }

  /** A generic netlink header: command, version, two reserved bytes. */
  public MessageBuilder genlHeader(int command, int version) {
    return u8(command).u8(version).u16(0);
  }

  private MessageBuilder attr(int type, int length) {
    if (length > MAX_ATTRIBUTE_LENGTH - Netlink.NLA_HDRLEN) {
      throw new IllegalArgumentException("attribute type " + (type & 0x3fff) + ": "
          + (Netlink.NLA_HDRLEN + (long) length) + " bytes exceed netlink's "
          + MAX_ATTRIBUTE_LENGTH + "-byte attribute limit");
    }
    pad();
    ensure(Netlink.NLA_HDRLEN + length + 3);
    buf.putShort((short) (Netlink.NLA_HDRLEN + length)).putShort((short) type);
    return this;
  }

  public MessageBuilder attrU8(int type, int v) {
    attr(type, 1).u8(v);
    pad();
    return this;
  }

  public MessageBuilder attrU16(int type, int v) {
    attr(type, 2).u16(v);
    pad();
    return this;
  }

  public MessageBuilder attrU32(int type, int v) {
    attr(type, 4).u32(v);
    return this;
  }

  public MessageBuilder attrBytes(int type, byte[] v) {
    attr(type, v.length).bytes(v);
    pad();
    return this;
  }

  /** A NUL-terminated string. */
  public MessageBuilder attrString(int type, String v) {
    byte[] s = v.getBytes(StandardCharsets.UTF_8);
    attr(type, s.length + 1).bytes(s).u8(0);
    pad();
    return this;
  }

  /** Starts a nested attribute; returns a handle for {@link #endNested}. */
  public int beginNested(int type) {
    pad();
    int start = buf.position();
    attr(type | Netlink.NLA_F_NESTED, 0);
    return start;
  }

  /**
   * Ends a nested attribute, fixing its length.
   *
   * @throws IllegalArgumentException if the nest is longer than {@link #MAX_ATTRIBUTE_LENGTH}
   *     bytes; the caller can {@link #truncate} to the handle and split its content
   */
  public void endNested(int handle) {
    pad();
    int length = buf.position() - handle;
    if (length > MAX_ATTRIBUTE_LENGTH) {
      throw new IllegalArgumentException("nested attribute type "
          + (Short.toUnsignedInt(buf.getShort(handle + 2)) & 0x3fff) + ": " + length
          + " bytes exceed netlink's " + MAX_ATTRIBUTE_LENGTH + "-byte attribute limit");
    }
    buf.putShort(handle, (short) length);
  }

  /** The message bytes with length, sequence number and port id filled in. */
  public byte[] finish(int seq, int portId) {
    pad();
    byte[] out = Arrays.copyOf(buf.array(), buf.position());
    ByteBuffer b = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0, out.length).putInt(8, seq).putInt(12, portId);
    return out;
  }
}
