package io.clusternet.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Starts a main class of the test class path in a new JVM. */
public final class ChildJvm {
  private ChildJvm() {}

  /**
   * @param prefix a command that wraps the JVM (for example {@code setpriv …}), or empty
   */
  public static ProcessBuilder builder(List<String> prefix, Class<?> main, String... args) {
    List<String> command = new ArrayList<>(prefix);
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    // Fast start-up: these children are short-lived.
    command.add("-XX:TieredStopAtLevel=1");
    command.add("-XX:+UseSerialGC");
    command.add("-Xshare:auto");
    command.add("-cp");
    command.add(System.getProperty("java.class.path"));
    command.add(main.getName());
    command.addAll(List.of(args));
    return new ProcessBuilder(command);
  }

  public static Process start(List<String> prefix, Class<?> main, String... args) throws IOException {
    return builder(prefix, main, args).redirectError(ProcessBuilder.Redirect.INHERIT).start();
  }
}
