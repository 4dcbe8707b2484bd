package io.clusternet.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Skips a test, loudly, when a prerequisite is truly absent. When {@code CLUSTERNET_CI=1} (set
 * by {@code .ci/run}) nothing may be skipped: a missing prerequisite fails the test instead.
 */
public final class Prerequisites {
  private Prerequisites() {}

  public static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  public static void require(boolean present, String what) {
    if (present) return;
    String message = "PREREQUISITE MISSING, test not run: " + what;
    if ("1".equals(System.getenv("CLUSTERNET_CI"))) {
      throw new AssertionError(message + " (CLUSTERNET_CI=1 forbids skipping)");
    }
    System.err.println("*** " + message);
    assumeTrue(false, message);
  }

  /**
   * For tests of the kernel's WireGuard module, which this project runs in a QEMU guest (the VM
   * stage of {@code .ci/run}, which sets {@code CLUSTERNET_KERNEL_TESTS=1}). There, a missing
   * module fails the test; anywhere else the test is skipped with a loud reason.
   */
  public static void requireKernelWireGuard() {
    boolean present = java.nio.file.Files.exists(java.nio.file.Path.of("/sys/module/wireguard"))
        && isRoot();
    if (present) return;
    String message = "PREREQUISITE MISSING, test not run: the kernel WireGuard module and root "
        + "(these tests run in the VM stage: tools/kernel-vm, see .ci/run)";
    if ("1".equals(System.getenv("CLUSTERNET_KERNEL_TESTS"))) {
      throw new AssertionError(message + " (CLUSTERNET_KERNEL_TESTS=1 forbids skipping)");
    }
    System.err.println("*** " + message);
    org.junit.jupiter.api.Assumptions.assumeTrue(false, message);
  }

  /** Whether an executable of that name is on the PATH. */
  public static boolean onPath(String command) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, command))) {
        return true;
      }
    }
    return false;
  }

  public static void requireRoot(String why) {
    require(isRoot(), "root privileges (" + why + ")");
  }
}
