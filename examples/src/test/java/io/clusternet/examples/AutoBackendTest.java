package io.clusternet.examples;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.core.backend.WireGuardBackends;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * With clusternet-netlink-jna on the class path, auto() asks the real kernel. Runs on the host
 * (userspace: no module) and in the VM stage (kernel), hence the tag.
 */
@org.junit.jupiter.api.Tag("kernel")
class AutoBackendTest {
  @Test
  void autoPicksTheKernelExactlyWhenItHasWireGuard() {
    boolean kernelHasWireGuard = Files.exists(Path.of("/sys/module/wireguard"));
    try (WireGuardBackends.Selection s = WireGuardBackends.auto()) {
      assertThat(s.mode()).isEqualTo(kernelHasWireGuard
          ? WireGuardBackends.Mode.KERNEL : WireGuardBackends.Mode.USERSPACE);
      assertThat(s.links()).as("rtnetlink works on any kernel").isPresent();
      if (!kernelHasWireGuard) {
        assertThat(s.reason()).contains("userspace").contains("no WireGuard module");
      }
    }
  }
}
