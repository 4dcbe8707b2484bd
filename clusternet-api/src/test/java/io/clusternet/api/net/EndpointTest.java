package io.clusternet.api.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import io.clusternet.props.Props;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class EndpointTest {
  @ParameterizedTest
  @CsvSource({
    "192.0.2.1:51820, 192.0.2.1:51820",
    "[2001:DB8:0::1]:51820, [2001:db8::1]:51820",
    "[::ffff:192.0.2.1]:1, [::ffff:192.0.2.1]:1", // IPv4-mapped stays IPv6, as in WireGuard
    "10.0.0.1:65535, 10.0.0.1:65535",
  })
  void parsesLiteralsOnly(String input, String canonical) throws Exception {
    Endpoint e = Endpoint.parse(input);
    assertThat(e.toString()).isEqualTo(canonical);
    assertThat(Endpoint.parse(canonical)).isEqualTo(e);
  }

  @ParameterizedTest
  @ValueSource(strings = {
    "192.0.2.1", "192.0.2.1:", "192.0.2.1:0", "192.0.2.1:65536", "192.0.2.1:+5",
    "2001:db8::1:51820", "[2001:db8::1]", "[2001:db8::1]51820", "[192.0.2.1]:5",
    "node-1.example.com:51820", "localhost:51820", "[fe80::1%eth0]:51820", ":51820",
  })
  void rejectsEverythingElse(String input) {
    assertThatThrownBy(() -> Endpoint.parse(input)).isInstanceOf(AddressFormatException.class);
  }

  @Test
  void ofValidatesThePort() throws Exception {
    InetAddress a = InetAddress.getByName("192.0.2.1");
    assertThat(Endpoint.of(a, 51820).toSocketAddress().getPort()).isEqualTo(51820);
    assertThatThrownBy(() -> Endpoint.of(a, 0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void arbitraryTextGivesOnlyTheTypedException() {
    Props.check(3000, AddressGenerators.endpointishText(), text -> {
      try {
        Endpoint e = Endpoint.parse(text);
        assertThat(Endpoint.parse(e.toString())).isEqualTo(e);
      } catch (AddressFormatException expected) {
        // fine
      }
    });
  }
}
