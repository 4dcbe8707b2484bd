package io.clusternet.core.keys;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.api.crypto.PrivateKey;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import org.junit.jupiter.api.Test;

/**
 * The fake device clamps a private key on set, as the kernel and wireguard-go do
 * (DeviceDataOnWireGuardGoTest shows wireguard-go reporting the clamped form), so tests above the
 * backend meet the same "device key differs from the configured bytes" as a real device.
 */
class FakeDeviceClampsTest {
  @Test
  void theFakeReportsTheClampedKeyAsARealDeviceDoes() throws Exception {
    byte[] raw = new byte[32];
    java.util.Arrays.fill(raw, (byte) 0xff); // every clamped bit wrong
    byte[] clamped = raw.clone();
    X25519.clamp(clamped);
    FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
    fake.createDevice("wg0");
    fake.configure("wg0", DeviceConfig.builder().privateKey(PrivateKey.fromBytes(raw)).build());
    assertThat(fake.device("wg0").orElseThrow().privateKey())
        .contains(PrivateKey.fromBytes(clamped));
    assertThat(fake.device("wg0").orElseThrow().publicKey())
        .contains(X25519.publicKey(PrivateKey.fromBytes(raw)));
  }
}
