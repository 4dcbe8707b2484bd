package io.clusternet.netlink.wire;

import io.clusternet.props.Gens;
import java.util.List;
import org.quicktheories.core.Gen;

/** Generators of raw netlink bytes and attribute values for the codec's property tests. */
public final class WireGenerators {
  private WireGenerators() {}

  /** Up to 200 arbitrary bytes, as a socket might deliver them. */
  public static Gen<byte[]> receivedBytes() {
    return Gens.bytes(0, 200);
  }

  /** Up to 20 attribute values of up to 40 bytes each (empty and unaligned lengths included). */
  public static Gen<List<byte[]>> attributeValues() {
    return Gens.lists(Gens.bytes(0, 40), 0, 20);
  }
}
