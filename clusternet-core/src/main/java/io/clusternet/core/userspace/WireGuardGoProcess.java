package io.clusternet.core.userspace;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A wireguard-go daemon for one interface, started in the foreground so its PID is known, and
 * stopped by that PID. For tests, the demo, and host applications that choose userspace mode.
 *
 * <pre>{@code
 * try (WireGuardGoProcess wg = WireGuardGoProcess.builder("wg0").start()) {
 *   UapiWireGuardBackend backend = UapiWireGuardBackend.create(wg.socketDirectory());
 *   backend.configure("wg0", config);
 * }
 * }</pre>
 *
 * <p>{@link Builder#start()} returns once a connection to the UAPI socket succeeds (not merely
 * once the socket file exists: a killed daemon leaves a stale file behind).
 *
 * <p>Network namespaces: wireguard-go always listens on {@code /var/run/wireguard/<name>.sock},
 * and that directory is shared by every network namespace, so two daemons with one interface
 * name collide. Either give interfaces distinct names, or set {@link Builder#socketDirectory} to
 * a per-daemon directory: the daemon then runs in a private mount namespace where that directory
 * is bind-mounted over {@code /var/run/wireguard} (needs root), and the socket appears in the
 * given directory for {@link UapiWireGuardBackend#create(Path)}.
 */
public final class WireGuardGoProcess implements AutoCloseable {
  private final String interfaceName;
  private final Path socketDirectory;
  private final Path logFile;
  private final boolean temporaryLog; // ours: deleted once the daemon has stopped
  private final Process process;

  private WireGuardGoProcess(String interfaceName, Path socketDirectory, Path logFile,
      boolean temporaryLog, Process process) {
    this.interfaceName = interfaceName;
    this.socketDirectory = socketDirectory;
    this.logFile = logFile;
    this.temporaryLog = temporaryLog;
    this.process = process;
  }

  public static Builder builder(String interfaceName) {
    return new Builder(interfaceName);
  }

  public String interfaceName() {
    return interfaceName;
  }

  /** The directory holding this daemon's UAPI socket, as seen from the caller's namespace. */
  public Path socketDirectory() {
    return socketDirectory;
  }

  public Path socketPath() {
    return socketDirectory.resolve(interfaceName + ".sock");
  }

  /** The daemon's PID. */
  public long pid() {
    return process.pid();
  }

  /**
   * Where the daemon's output goes: the builder's {@link Builder#logFile(Path)}, or a temporary
   * file that {@link #stop(Duration)} deletes once the daemon has exited.
   */
  public Path logFile() {
    return logFile;
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The exit code, if the daemon has exited. */
  public Optional<Integer> exitCode() {
    return process.isAlive() ? Optional.empty() : Optional.of(process.exitValue());
  }

  /**
   * Stops the daemon by its PID: SIGTERM (it removes its socket and interface and exits 0), then
   * SIGKILL if it has not exited within {@code grace}. Returns the exit code. A temporary log
   * file (no {@link Builder#logFile(Path)} was set) is deleted: nothing is left in the temporary
   * directory.
   */
  public int stop(Duration grace) throws InterruptedException {
    if (process.isAlive()) {
      process.toHandle().destroy();
      if (!process.waitFor(grace.toMillis(), TimeUnit.MILLISECONDS)) {
        process.toHandle().destroyForcibly();
      }
    }
    int code = process.waitFor();
    deleteTemporaryLog();
    return code;
  }

  private void deleteTemporaryLog() {
    if (!temporaryLog) return;
    try {
      Files.deleteIfExists(logFile);
    } catch (IOException ignored) {
      // best effort: a temporary file
    }
  }

  /**
   * Kills the daemon by its PID with SIGKILL, as a crash would (leaves a stale socket file; a
   * temporary log file is deleted, as by {@link #stop(Duration)}).
   */
  public int kill() throws InterruptedException {
    process.toHandle().destroyForcibly();
    int code = process.waitFor();
    deleteTemporaryLog();
    return code;
  }

  /** {@link #stop(Duration)} with five seconds of grace. */
  @Override
  public void close() throws InterruptedException {
    stop(Duration.ofSeconds(5));
  }

  /** The last lines of the daemon's output, for error messages. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  @Override
  public String toString() {
    return "WireGuardGoProcess[" + interfaceName + ", pid " + process.pid() + "]";
  }

  /** Configures and starts a daemon. */
  public static final class Builder {
    private final String interfaceName;
    private String networkNamespace;
    private Path socketDirectory;
    private String executable = "wireguard-go";
    private String logLevel = "error";
    private Duration startTimeout = Duration.ofSeconds(10);
    private Duration uapiTimeout = Duration.ofMillis(UapiWireGuardBackend.DEFAULT_TIMEOUT_MILLIS);
    private Path logFile;

    private Builder(String interfaceName) {
      if (interfaceName.isEmpty() || interfaceName.length() > 15 || !interfaceName.chars()
          .allMatch(c -> Character.isLetterOrDigit(c) || c == '-' || c == '_' || c == '.')) {
        throw new IllegalArgumentException("invalid interface name (1-15 of [A-Za-z0-9._-]): \""
            + interfaceName + "\"");
      }
      this.interfaceName = interfaceName;
    }

    /**
     * A new builder with this one's settings, so later changes to either do not reach the other
     * ({@link io.clusternet.core.ClusterNet.Builder#build()} keeps a copy).
     */
    public Builder copy() {
      Builder b = new Builder(interfaceName);
      b.networkNamespace = networkNamespace;
      b.socketDirectory = socketDirectory;
      b.executable = executable;
      b.logLevel = logLevel;
      b.startTimeout = startTimeout;
      b.uapiTimeout = uapiTimeout;
      b.logFile = logFile;
      return b;
    }

    /** The interface this daemon will serve. */
    public String interfaceName() {
      return interfaceName;
    }

    /** Where this daemon's UAPI socket will be, as seen from the caller. */
    public Path effectiveSocketDirectory() {
      return socketDirectory != null ? socketDirectory
          : UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY;
    }

    /** Optional: run in this network namespace ({@code ip netns exec}); default the caller's. */
    public Builder networkNamespace(String name) {
      this.networkNamespace = Objects.requireNonNull(name, "name");
      return this;
    }

    /**
     * Optional: a per-daemon socket directory, bind-mounted over {@code /var/run/wireguard} in a
     * private mount namespace (needs root). Default: {@code /var/run/wireguard} itself.
     */
    public Builder socketDirectory(Path directory) {
      this.socketDirectory = directory.toAbsolutePath();
      return this;
    }

    /** Optional: the wireguard-go binary; default {@code wireguard-go} on the PATH. */
    public Builder executable(String executable) {
      this.executable = Objects.requireNonNull(executable, "executable");
      return this;
    }

    /** Optional: {@code LOG_LEVEL} (verbose, error, silent); default error. */
    public Builder logLevel(String level) {
      this.logLevel = Objects.requireNonNull(level, "level");
      return this;
    }

    /**
     * Optional: the daemon's output file, truncated at each start and kept after it stops.
     * Default: a new temporary file ({@code wireguard-go-<interface>-*.log}), deleted once the
     * daemon has stopped. {@code ClusterNet} sets {@code
     * <storage root>/ephemeral/clusternet/wireguard-go-<interface>.log} when this is unset.
     */
    public Builder logFile(Path file) {
      this.logFile = Objects.requireNonNull(file, "file");
      return this;
    }

    /** The output file set with {@link #logFile(Path)}, if any. */
    public Optional<Path> logFile() {
      return Optional.ofNullable(logFile);
    }

    /**
     * Optional: the deadline of each UAPI operation on this daemon ({@link
     * UapiWireGuardBackend#withTimeout}): how long it may stay silent before the operation fails
     * with {@code TIMEOUT} and {@link io.clusternet.core.ClusterNet} treats it as hung (it is
     * then replaced). Default {@value UapiWireGuardBackend#DEFAULT_TIMEOUT_MILLIS} ms.
     *
     * @throws IllegalArgumentException if zero or negative
     */
    public Builder uapiTimeout(Duration timeout) {
      if (timeout.isNegative() || timeout.isZero()) {
        throw new IllegalArgumentException("uapiTimeout must be positive: " + timeout);
      }
      this.uapiTimeout = timeout;
      return this;
    }

    /** The deadline of each UAPI operation on this daemon. */
    public Duration uapiTimeout() {
      return uapiTimeout;
    }

    /** Optional: how long to wait for the UAPI socket to accept a connection; default 10 s. */
    public Builder startTimeout(Duration timeout) {
      this.startTimeout = Objects.requireNonNull(timeout, "timeout");
      return this;
    }

    /**
     * Starts the daemon and waits until its UAPI socket accepts a connection.
     *
     * @throws IOException if it cannot be started, exits, or does not answer in time; the message
     *     carries the end of its output
     */
    public WireGuardGoProcess start() throws IOException, InterruptedException {
      List<String> command = new ArrayList<>();
      if (networkNamespace != null) {
        command.addAll(List.of("ip", "netns", "exec", networkNamespace));
      }
      Path directory = UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY;
      if (socketDirectory != null) {
        Files.createDirectories(socketDirectory);
        Files.createDirectories(UapiWireGuardBackend.DEFAULT_SOCKET_DIRECTORY);
        if (networkNamespace == null) {
          // unshare(1) execs the command in a new mount namespace (no fork: the PID is kept).
          command.addAll(List.of("unshare", "--mount", "--propagation", "private"));
        }
        // ip netns exec already gives a private (slave) mount namespace. Arguments are passed
        // positionally, never spliced into the script.
        command.addAll(List.of("sh", "-c",
            "mount --bind \"$1\" \"$2\" && exec \"$3\" \"$4\"", "sh",
            socketDirectory.toString(), directory.toString(), executable, interfaceName));
        directory = socketDirectory;
      } else {
        command.addAll(List.of(executable, interfaceName));
      }
      boolean temporary = logFile == null;
      Path log = temporary
          ? Files.createTempFile("wireguard-go-" + interfaceName + "-", ".log") : logFile;
      ProcessBuilder pb = new ProcessBuilder(command)
          .redirectErrorStream(true)
          .redirectOutput(log.toFile())
          .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
      pb.environment().put("WG_PROCESS_FOREGROUND", "1");
      pb.environment().put("LOG_LEVEL", logLevel);
      Process process;
      try {
        process = pb.start();
      } catch (IOException e) {
        if (temporary) Files.deleteIfExists(log);
        throw e;
      }
      WireGuardGoProcess daemon =
          new WireGuardGoProcess(interfaceName, directory, log, temporary, process);
      long deadline = System.nanoTime() + startTimeout.toNanos();
      Path socket = daemon.socketPath();
      while (true) {
        if (!process.isAlive()) {
          String tail = daemon.logTail();
          daemon.deleteTemporaryLog();
          throw new IOException("wireguard-go for " + interfaceName + " exited with code "
              + process.exitValue() + " before its UAPI socket answered: " + tail);
        }
        if (canConnect(socket)) return daemon;
        if (System.nanoTime() > deadline) {
          String tail = daemon.logTail();
          daemon.stop(Duration.ofSeconds(2));
          throw new IOException("wireguard-go for " + interfaceName + " did not answer on "
              + socket + " within " + startTimeout + ": " + tail);
        }
        Thread.sleep(10);
      }
    }

    private static boolean canConnect(Path socket) {
      try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
        ch.connect(UnixDomainSocketAddress.of(socket));
        return true;
      } catch (IOException notYet) {
        return false;
      }
    }
  }
}
