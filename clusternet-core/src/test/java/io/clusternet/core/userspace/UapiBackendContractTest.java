package io.clusternet.core.userspace;

import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.wg.WireGuardBackendContract;
import java.security.SecureRandom;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/**
 * The backend contract on real wireguard-go: one daemon per device, all in one network namespace
 * made for this class, driven through {@link UapiWireGuardBackend}. Skipped loudly without root
 * or wireguard-go; fails instead under {@code CLUSTERNET_CI=1}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UapiBackendContractTest extends WireGuardBackendContract {
  // Distinct names per run: /var/run/wireguard is shared by every network namespace.
  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(3));
  private final Map<String, WireGuardGoProcess> daemons = new HashMap<>();
  private final UapiWireGuardBackend backend = UapiWireGuardBackend.create();
  private NetworkNamespace ns;
  private int devices;

  @BeforeAll
  void namespace() throws Exception {
    Prerequisites.requireRoot("network namespaces and wireguard-go");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"),
        "wireguard-go (apt-get install --no-install-recommends wireguard-go)");
    ns = NetworkNamespace.create("cnc");
  }

  @AfterAll
  void cleanUp() throws Exception {
    backend.close();
    for (WireGuardGoProcess d : daemons.values()) d.close(); // by PID
    daemons.clear();
    if (ns != null) ns.close();
  }

  @Override
  protected WireGuardBackend backend() {
    return backend;
  }

  @Override
  protected String newDevice() throws Exception {
    String name = "cnc" + tag + "d" + devices++;
    daemons.put(name, WireGuardGoProcess.builder(name).networkNamespace(ns.name()).start());
    return name;
  }

  @Override
  protected void deleteDevice(String name) throws Exception {
    WireGuardGoProcess d = daemons.remove(name);
    if (d != null) d.close();
  }
}
