package io.clusternet.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import io.clusternet.props.Props;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

class IpPrefixTest {
  @ParameterizedTest
  @CsvSource({
    "10.244.1.0/24, 10.244.1.0/24",
    "10.244.1.77/24, 10.244.1.0/24",
    "10.1.2.3/8, 10.0.0.0/8",
    "192.0.2.1/32, 192.0.2.1/32",
    "0.0.0.0/0, 0.0.0.0/0",
    "1.2.3.4/0, 0.0.0.0/0",
    "FD00:0:0:0:0:0:0:1/64, fd00::/64",
    "2001:db8:0:0:1:0:0:1/128, 2001:db8::1:0:0:1/128",
    "2001:db8::ffff/120, 2001:db8::ff00/120",
    "::/0, ::/0",
  })
  void parsingIsCanonical(String input, String canonical) throws Exception {
    IpPrefix p = IpPrefix.parse(input);
    assertThat(p.toString()).isEqualTo(canonical);
    assertThat(p).isEqualTo(IpPrefix.parse(canonical));
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "", "10.0.0.1", "10.0.0.0/33", "fd00::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/08",
    "10.0.0/8", "10.0.0.256/32", "example.com/24", "localhost/32", "fe80::1%eth0/64",
    "10.0.0.0/8/8", " 10.0.0.0/8", "10.0.0.0/ 8", "10.0.0.0/1000",
  })
  void invalidPrefixesAreTypedErrorsNamingTheInput(String input) {
    assertThatThrownBy(() -> IpPrefix.parse(input))
        .isInstanceOfSatisfying(AddressFormatException.class, e -> {
          assertThat(e.input()).isEqualTo(input);
          assertThat(e.getMessage()).contains("\"" + input + "\"");
        });
  }

  @Test
  void containsAndOverlaps() throws Exception {
    IpPrefix a = IpPrefix.parse("10.244.0.0/16");
    IpPrefix b = IpPrefix.parse("10.244.1.0/24");
    IpPrefix c = IpPrefix.parse("10.245.0.0/16");
    assertThat(a.contains(b)).isTrue();
    assertThat(b.contains(a)).isFalse();
    assertThat(a.overlaps(b)).isTrue();
    assertThat(b.overlaps(a)).isTrue();
    assertThat(a.overlaps(c)).isFalse();
    assertThat(a.contains(InetAddress.getByName("10.244.3.4"))).isTrue();
    assertThat(IpPrefix.parse("::/0").contains(a)).isFalse();
  }

  @Test
  void hostPrefixes() throws Exception {
    assertThat(IpPrefix.host(InetAddress.getByName("192.0.2.7")).toString())
        .isEqualTo("192.0.2.7/32");
    assertThat(IpPrefix.host(InetAddress.getByName("fd00::7")).toString())
        .isEqualTo("fd00::7/128");
  }

  @Test
  void formattingRoundTripsAndMasks() {
    Props.check(1000, AddressGenerators.prefixes(), p -> {
      assertThat(IpPrefix.parse(p.toString())).isEqualTo(p);
      assertThat(IpPrefix.of(p.address(), p.length())).isEqualTo(p);
      assertThat(p.contains(p)).isTrue();
    });
  }

  @Test
  void arbitraryTextGivesOnlyTheTypedException() {
    Props.check(3000, AddressGenerators.prefixishText(), text -> {
      try {
        IpPrefix p = IpPrefix.parse(text);
        assertThat(IpPrefix.parse(p.toString())).isEqualTo(p);
      } catch (AddressFormatException expected) {
        // fine
      }
    });
  }
}
