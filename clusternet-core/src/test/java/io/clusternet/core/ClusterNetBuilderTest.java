package io.clusternet.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.kubernetes.client.util.ClientBuilder;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link ClusterNet.Builder#build()} is the validation point for every setting. */
class ClusterNetBuilderTest {
  private static ClusterNet.Builder valid() {
    return ClusterNet.builder()
        .nodeName("n0")
        .kubernetes(new ClientBuilder().setBasePath("http://127.0.0.1:1").build())
        .storageRoot(Path.of("/nonexistent/clusternet-builder-test"));
  }

  /** Issue 13 item 12: WireGuard's keepalive is 0-65535 whole seconds; anything else fails. */
  @ParameterizedTest
  @ValueSource(strings = {"PT70000S", "PT-5S", "PT65536S", "PT1.5S", "PT0.001S", "PT-0.5S"})
  void aKeepaliveWireGuardCannotHoldIsRefusedByBuild(String keepalive) {
    Duration d = Duration.parse(keepalive);
    assertThatThrownBy(() -> valid().persistentKeepalive(d).build())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("persistentKeepalive")
        .hasMessageContaining("0-65535 whole seconds");
  }

  @ParameterizedTest
  @ValueSource(longs = {0, 1, 25, 65535})
  void keepalivesInRangeAreAccepted(long seconds) {
    assertThatCode(() -> valid().persistentKeepalive(Duration.ofSeconds(seconds)).build())
        .doesNotThrowAnyException();
  }

  @Test
  void mtuAndPortStillChecked() {
    assertThatThrownBy(() -> valid().mtu(1000).build()).isInstanceOf(IllegalStateException.class);
    assertThatThrownBy(() -> valid().listenPort(0).build())
        .isInstanceOf(IllegalStateException.class);
    assertThat(valid().build()).isNotNull();
  }
}
