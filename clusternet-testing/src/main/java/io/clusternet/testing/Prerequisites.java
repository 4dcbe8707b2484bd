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
