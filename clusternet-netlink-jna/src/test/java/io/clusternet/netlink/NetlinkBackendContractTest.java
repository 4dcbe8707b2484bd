package io.clusternet.netlink;

import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.wg.WireGuardBackendContract;
import java.nio.file.Path;
import java.util.OptionalInt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;

/**
 * The backend contract on the kernel's WireGuard module, through {@link NetlinkWireGuardBackend},
 * with devices made by {@link NetlinkLinkBackend} in a network namespace made for this class.
 * Runs in the VM stage ({@code .ci/kernel-tests}); skipped, loudly, where the module is absent.
 */
@Tag("kernel")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NetlinkBackendContractTest extends WireGuardBackendContract {
  private NetworkNamespace ns;
  private NetlinkLinkBackend links;
  private NetlinkWireGuardBackend backend;
  private int devices;

  @BeforeAll
  void namespace() throws Exception {
    Prerequisites.requireKernelWireGuard();
    ns = NetworkNamespace.create("cnkc");
    Path path = Path.of("/var/run/netns", ns.name());
    links = NetlinkLinkBackend.openIn(path);
    backend = NetlinkWireGuardBackend.openIn(path);
  }

  @AfterAll
  void cleanUp() throws Exception {
    if (backend != null) backend.close();
    if (links != null) links.close();
    if (ns != null) ns.close(); // deleting the netns deletes its links
  }

  @Override
  protected WireGuardBackend backend() {
    return backend;
  }

  @Override
  protected String newDevice() throws Exception {
    String name = "wgc" + devices++;
    links.createLink(name, "wireguard", OptionalInt.empty(), OptionalInt.empty());
    return name;
  }

  @Override
  protected void deleteDevice(String name) throws Exception {
    links.deleteLink(name);
  }
}
