package io.clusternet.core.backend;

import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.core.keys.X25519;
import io.clusternet.testing.wg.FakeWireGuardBackend;
import io.clusternet.testing.wg.WireGuardBackendContract;

/**
 * The backend contract on {@link FakeWireGuardBackend}: the same cases that real wireguard-go
 * ({@code UapiBackendContractTest}) and the kernel ({@code NetlinkBackendContractTest}, VM stage)
 * pass, so the fake that tests above the backend use behaves as a real device does.
 */
class FakeBackendContractTest extends WireGuardBackendContract {
  private final FakeWireGuardBackend fake = new FakeWireGuardBackend(X25519::publicKey);
  private int devices;

  @Override
  protected WireGuardBackend backend() {
    return fake;
  }

  @Override
  protected String newDevice() {
    String name = "fake" + devices++;
    fake.createDevice(name);
    return name;
  }

  @Override
  protected void deleteDevice(String name) {
    fake.deleteDevice(name);
  }
}
