package io.clusternet.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs short system commands. */
public final class Commands {
  private Commands() {}

  /** What a command did. */
  public record Result(int exitCode, String output) {
    public boolean ok() {
      return exitCode == 0;
    }
  }

  /** Runs a command (stdout and stderr together) and returns what it did. */
  public static Result result(String... command) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
    byte[] out = p.getInputStream().readAllBytes();
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IOException("timed out: " + List.of(command));
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }

  /** Runs a command and fails loudly, with its output, if it does not exit 0. */
  public static String run(String... command) throws IOException, InterruptedException {
    Result r = result(command);
    if (!r.ok()) {
      throw new IOException(List.of(command) + " exited " + r.exitCode() + ": " + r.output());
    }
    return r.output();
  }
}
