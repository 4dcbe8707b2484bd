package io.clusternet.netlink.jna;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The structure's native bytes match {@code struct sockaddr_nl} (12 bytes: u16, u16, u32, u32). */
class SockaddrNlTest {
  @Test
  void nativeLayoutMatchesTheCStruct() {
    SockaddrNl a = SockaddrNl.netlink(0x01020304);
    a.nl_groups = 0x0a0b0c0d;
    a.write();
    assertThat(a.size()).isEqualTo(12);
    assertThat(HexFormat.of().formatHex(a.getPointer().getByteArray(0, 12)))
        .isEqualTo("1000" + "0000" + "04030201" + "0d0c0b0a");
  }
}
