package io.clusternet.api.wg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ModelTest {
  static final String SECRET = "yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=";

  static PublicKey key(int n) throws Exception {
    byte[] b = new byte[32];
    b[0] = (byte) n;
    return PublicKey.fromBytes(b);
  }

  @Test
  void configsAreImmutableCopies() throws Exception {
    List<IpPrefix> ips = new ArrayList<>(List.of(IpPrefix.parse("10.0.0.0/24")));
    PeerConfig peer = PeerConfig.builder(key(1)).allowedIps(ips).build();
    ips.add(IpPrefix.parse("10.0.1.0/24"));
    assertThat(peer.allowedIps()).hasSize(1);
    assertThatThrownBy(() -> peer.allowedIps().add(null))
        .isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void aRemovalCarriesNothingElse() throws Exception {
    assertThat(PeerConfig.removal(key(1)).remove()).isTrue();
    assertThatThrownBy(() -> new PeerConfig(key(1), true, false, Optional.empty(),
            Optional.of(Endpoint.parse("192.0.2.1:1")), Optional.empty(), false, List.of()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void keepaliveMustFitTheProtocol() throws Exception {
    assertThatThrownBy(() -> PeerConfig.builder(key(1))
            .persistentKeepalive(Duration.ofSeconds(65536)).build())
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> PeerConfig.builder(key(1))
            .persistentKeepalive(Duration.ofMillis(1500)).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aDeviceConfigNamesEachPeerOnce() throws Exception {
    assertThatThrownBy(() -> DeviceConfig.builder()
            .peer(PeerConfig.builder(key(1)).build())
            .peer(PeerConfig.removal(key(1))).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("appears twice");
    assertThat(DeviceConfig.builder().build().isEmpty()).isTrue();
    assertThatThrownBy(() -> DeviceConfig.builder().listenPort(70000).build())
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void noStringFormRevealsSecrets() throws Exception {
    PrivateKey priv = PrivateKey.fromBase64(SECRET);
    PresharedKey psk = PresharedKey.fromBase64(SECRET);
    DeviceConfig config = DeviceConfig.builder().privateKey(priv)
        .peer(PeerConfig.builder(key(2)).presharedKey(psk).build()).build();
    DeviceState state = new DeviceState("wg0", Optional.of(priv), Optional.of(key(3)), 51820, 0,
        List.of(new PeerState(key(2), Optional.of(psk), Optional.empty(), List.of(),
            Duration.ZERO, Optional.empty(), 0, 0, 1)));
    for (Object o : List.of(config, config.peers().get(0), state, state.peers().get(0))) {
      assertThat(o.toString()).doesNotContain(SECRET).doesNotContain(priv.toHex());
    }
  }
}
