package io.clusternet.core.userspace;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.AsynchronousCloseException;
import java.nio.channels.Channels;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@link WireGuardBackend} for userspace WireGuard (wireguard-go) over the UAPI socket
 * {@code <socketDirectory>/<name>.sock}, in pure JDK code.
 *
 * <ul>
 *   <li>One request at a time per connection, never pipelined (wireguard-go's parser reads ahead
 *       and would swallow a second request). After a clean reply the connection is kept for the
 *       device's next operation (one idle connection per device), which saves a connect and the
 *       daemon's accept: a one-peer write costs about a quarter as much. A connection that saw any
 *       error is closed, never reused. A kept connection found dead (the daemon restarted) is
 *       replaced by a fresh one once, before any reply was read; every request clusternet sends is
 *       safe to repeat.
 *   <li>Large {@code set} requests are streamed through a buffer, never built as one string.
 *   <li>Every operation, connecting included, has a deadline ({@link #withTimeout}, default
 *       {@value #DEFAULT_TIMEOUT_MILLIS} ms): it fails with {@link Reason#TIMEOUT}, naming the
 *       interface, the socket and the deadline, once the daemon has moved no byte (neither read
 *       our request nor written its reply) for that long. The deadline counts silence, not the
 *       whole operation, so it scales by itself with big dumps and big writes: a daemon that
 *       streams 10,000 peers keeps the operation alive, a stopped one (SIGSTOP, a cgroup freezer,
 *       stuck in the kernel) fails it after one deadline.
 *   <li>{@link #ping} is the cheap liveness check: one round trip with no peer dump.
 *   <li>Errors: the daemon's negative errno values and every I/O failure are mapped to {@link
 *       BackendException} reasons in {@link #ioFailure}; nothing else escapes.
 * </ul>
 *
 * <p>wireguard-go's socket directory is {@code /var/run/wireguard}, shared by all network
 * namespaces; {@link WireGuardGoProcess} can give each daemon its own directory instead.
 */
public final class UapiWireGuardBackend implements WireGuardBackend {
  /** wireguard-go's compiled-in socket directory. */
  public static final Path DEFAULT_SOCKET_DIRECTORY = Path.of("/var/run/wireguard");

  /** The default deadline, in milliseconds: the longest silence of the daemon in one operation. */
  public static final long DEFAULT_TIMEOUT_MILLIS = 5_000;

  private static final Duration DEFAULT_TIMEOUT = Duration.ofMillis(DEFAULT_TIMEOUT_MILLIS);
  private static final ScheduledExecutorService WATCHDOG =
      Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "clusternet-uapi-watchdog");
        t.setDaemon(true);
        return t;
      });

  private final Path socketDirectory;
  private final Duration timeout;
  private final ConcurrentHashMap<String, Connection> idle = new ConcurrentHashMap<>();

  private UapiWireGuardBackend(Path socketDirectory, Duration timeout) {
    this.socketDirectory = Objects.requireNonNull(socketDirectory, "socketDirectory");
    this.timeout = Objects.requireNonNull(timeout, "timeout");
  }

  /** A backend for wireguard-go's default socket directory, {@code /var/run/wireguard}. */
  public static UapiWireGuardBackend create() {
    return new UapiWireGuardBackend(DEFAULT_SOCKET_DIRECTORY, DEFAULT_TIMEOUT);
  }

  /** A backend whose sockets are in {@code socketDirectory}. */
  public static UapiWireGuardBackend create(Path socketDirectory) {
    return new UapiWireGuardBackend(socketDirectory, DEFAULT_TIMEOUT);
  }

  /**
   * This backend with another deadline: the longest the daemon may stay silent during one
   * operation (connect, request, reply) before it fails with {@link Reason#TIMEOUT}. Default
   * {@value #DEFAULT_TIMEOUT_MILLIS} ms.
   *
   * @throws IllegalArgumentException if {@code timeout} is zero or negative
   */
  public UapiWireGuardBackend withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new UapiWireGuardBackend(socketDirectory, timeout);
  }

  public Path socketDirectory() {
    return socketDirectory;
  }

  /** The deadline: the longest silence of the daemon within one operation. */
  public Duration timeout() {
    return timeout;
  }

  /**
   * Checks that the daemon serving {@code name} answers, cheaply: an empty {@code set} request
   * (no keys: it changes nothing) and its {@code errno=0} reply, one round trip with no peer
   * dump, unlike {@link #device}.
   *
   * @throws BackendException {@link Reason#NOT_FOUND} if no daemon serves the device, {@link
   *     Reason#TIMEOUT} if it does not answer within the deadline, another reason for other
   *     failures
   */
  public void ping(String name) throws BackendException {
    set(name, "checking that wireguard-go answers for " + name, out -> out.write("set=1\n\n"));
  }

  /** The UAPI socket of a device. */
  public Path socketPath(String name) {
    checkName(name);
    return socketDirectory.resolve(name + ".sock");
  }

  private static void checkName(String name) {
    if (name.isEmpty() || name.length() > 15 || name.contains("/") || name.equals(".")
        || name.equals("..")) {
      throw new IllegalArgumentException("invalid interface name: \"" + name + "\"");
    }
  }

  @Override
  public List<String> deviceNames() throws BackendException {
    List<String> names = new ArrayList<>();
    try (DirectoryStream<Path> dir = Files.newDirectoryStream(socketDirectory, "*.sock")) {
      for (Path p : dir) {
        String file = p.getFileName().toString();
        names.add(file.substring(0, file.length() - ".sock".length()));
      }
    } catch (NoSuchFileException e) {
      return List.of();
    } catch (IOException e) {
      throw ioFailure("listing devices in " + socketDirectory, e, false);
    }
    Collections.sort(names);
    return names;
  }

  @Override
  public Optional<DeviceState> device(String name) throws BackendException {
    String operation = "getting " + name;
    return Optional.ofNullable(exchange(name, operation, c -> {
      c.out.write("get=1\n\n");
      c.out.flush();
      return UapiCodec.parseGet(name, c.in, operation);
    }));
  }

  @Override
  public void configure(String name, DeviceConfig config) throws BackendException {
    set(name, "configuring " + name, out -> UapiCodec.writeSet(out, config));
  }

  /**
   * Sends a raw {@code set=1} request made of {@code lines} (each {@code key=value}, without
   * {@code set=1} and the final blank line). For hosts that need a key this model does not cover
   * and for tests of error handling; {@link #configure} is the normal way.
   */
  public void setRaw(String name, List<String> lines) throws BackendException {
    for (String line : lines) {
      if (line.indexOf('\n') >= 0) throw new IllegalArgumentException("a line contains \\n");
    }
    set(name, "configuring " + name, out -> {
      out.write("set=1\n");
      for (String line : lines) {
        out.write(line);
        out.write('\n');
      }
      out.write('\n');
    });
  }

  private interface RequestWriter {
    void write(Writer out) throws IOException;
  }

  private void set(String name, String operation, RequestWriter request)
      throws BackendException {
    Boolean done = exchange(name, operation, c -> {
      IOException writeFailure = null;
      try {
        request.write(c.out);
        c.out.flush();
      } catch (IOException e) {
        // wireguard-go answers an error mid-request and closes: the errno may still be there.
        writeFailure = e;
      }
      String line;
      try {
        line = c.in.next(operation);
      } catch (IOException e) {
        if (writeFailure != null) e.addSuppressed(writeFailure);
        throw e;
      }
      if (line == null && writeFailure != null) throw writeFailure;
      UapiCodec.finish(c.in, operation, line);
      if (writeFailure != null) throw writeFailure;
      return Boolean.TRUE;
    });
    if (done == null) {
      throw new BackendException(Reason.NOT_FOUND, operation, 0,
          operation + ": no such device (no UAPI socket at " + socketPath(name) + ")", null);
    }
  }

  /**
   * Runs one request on the device's idle connection or a new one; null if the device has no live
   * socket. The connection goes back to the idle slot only after a clean reply.
   */
  private <T> T exchange(String name, String operation, Connection.Body<T> body)
      throws BackendException {
    Connection c = idle.remove(name);
    boolean reused = c != null;
    while (true) {
      if (c == null) {
        c = connect(name, operation, timeout);
        if (c == null) return null;
      }
      long before = c.in.bytesRead();
      try {
        T result = c.run(body);
        if (c.timedOut.get() || !c.in.drained() || idle.putIfAbsent(name, c) != null) c.close();
        return result;
      } catch (BackendException e) {
        c.close();
        boolean stale = reused && e.reason() == Reason.IO_ERROR && c.in.bytesRead() == before
            && !c.timedOut.get() && !Thread.currentThread().isInterrupted();
        if (!stale) throw e;
        c = null; // the kept connection was dead before it answered: once more, on a fresh one
        reused = false;
      } catch (RuntimeException | Error e) {
        c.close();
        throw e;
      }
    }
  }

  /**
   * A connection, or null if there is no live socket for the device. Connecting has the deadline
   * too: a stopped daemon's listen queue fills up, and then connect blocks.
   */
  private Connection connect(String name, String operation, Duration timeout)
      throws BackendException {
    Path path = socketPath(name);
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw ioFailure(operation, e, false);
    }
    AtomicBoolean late = new AtomicBoolean();
    ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
      late.set(true);
      closeQuietly(channel);
    }, timeout.toNanos(), TimeUnit.NANOSECONDS);
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      closeQuietly(channel);
      if (late.get()) throw timedOut(operation, path, timeout, "connecting", e);
      if (e instanceof ClosedByInterruptException) Thread.currentThread().interrupt();
      String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      // No socket file, or a stale one left by a killed daemon: no such device.
      if (e instanceof NoSuchFileException || text.contains("no such file")
          || text.contains("connection refused")) {
        return null;
      }
      throw ioFailure(operation, e, false);
    } finally {
      deadline.cancel(false);
    }
    return new Connection(channel, operation, path, timeout);
  }

  /** The {@link Reason#TIMEOUT} failure: names the operation (and so the interface), the socket
   * and the deadline. */
  static BackendException timedOut(String operation, Path socket, Duration timeout, String phase,
      IOException e) {
    return new BackendException(Reason.TIMEOUT, operation, 0, operation + ": wireguard-go "
        + "does not answer on " + socket + " (silent for " + describe(timeout) + " while "
        + phase + "; stopped or hung?)", e);
  }

  /** "5 s" or "1500 ms". */
  static String describe(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + " s" : ms + " ms";
  }

  private static void closeQuietly(SocketChannel channel) {
    try {
      channel.close();
    } catch (IOException ignored) {
      // nothing to do
    }
  }

  /** The one place where I/O failures become {@link BackendException}s. */
  static BackendException ioFailure(String operation, IOException e, boolean timedOut) {
    if (timedOut) {
      return new BackendException(Reason.TIMEOUT, operation, 0,
          operation + ": no answer from the UAPI socket in time", e);
    }
    String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
    // Java's socket exceptions carry no errno; the reason is read from the exception, and no
    // errno is made up for it.
    Reason reason = text.contains("permission denied")
        || e instanceof java.nio.file.AccessDeniedException
        ? Reason.PERMISSION_DENIED : Reason.IO_ERROR;
    return new BackendException(reason, operation, 0,
        operation + ": " + reason.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " ("
            + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
  }

  /**
   * Closes the idle connections. The backend stays usable (later operations connect anew); an
   * operation running meanwhile may keep its connection until the next {@code close()}.
   */
  @Override
  public void close() {
    for (String name : List.copyOf(idle.keySet())) {
      Connection c = idle.remove(name);
      if (c != null) c.close();
    }
  }

  @Override
  public String toString() {
    return "UapiWireGuardBackend[" + socketDirectory + "]";
  }

  /**
   * One connection, one request at a time, closed by the watchdog once the daemon has been
   * silent (no byte read or written) for the deadline.
   */
  private static final class Connection implements AutoCloseable {
    final SocketChannel channel;
    final String operation;
    final Path socket;
    final Duration timeout;
    final Writer out;
    final UapiCodec.LineReader in;
    final AtomicBoolean timedOut = new AtomicBoolean();
    /** System.nanoTime() of the last byte moved, either way. */
    volatile long lastProgress;
    volatile boolean reading;

    Connection(SocketChannel channel, String operation, Path socket, Duration timeout) {
      this.channel = channel;
      this.operation = operation;
      this.socket = socket;
      this.timeout = timeout;
      OutputStream raw = Channels.newOutputStream(channel);
      this.out = new BufferedWriter(new OutputStreamWriter(new OutputStream() {
        @Override
        public void write(int b) throws IOException {
          write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          reading = false;
          raw.write(b, off, len);
          lastProgress = System.nanoTime();
        }
      }, StandardCharsets.US_ASCII), 32 * 1024);
      InputStream rawIn = Channels.newInputStream(channel);
      this.in = new UapiCodec.LineReader(new InputStream() {
        @Override
        public int read() throws IOException {
          byte[] one = new byte[1];
          int n = read(one, 0, 1);
          return n < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          reading = true;
          int n = rawIn.read(b, off, len);
          lastProgress = System.nanoTime();
          return n;
        }
      });
    }

    interface Body<T> {
      T run(Connection c) throws IOException, BackendException;
    }

    <T> T run(Body<T> body) throws BackendException {
      in.startReply();
      lastProgress = System.nanoTime();
      reading = false;
      AtomicBoolean done = new AtomicBoolean();
      AtomicReference<ScheduledFuture<?>> deadline = new AtomicReference<>();
      Runnable check = new Runnable() {
        @Override
        public void run() {
          if (done.get()) return;
          long silent = System.nanoTime() - lastProgress;
          if (silent >= timeout.toNanos()) {
            timedOut.set(true);
            closeQuietly(channel);
          } else {
            deadline.set(WATCHDOG.schedule(this, timeout.toNanos() - silent,
                TimeUnit.NANOSECONDS));
          }
        }
      };
      deadline.set(WATCHDOG.schedule(check, timeout.toNanos(), TimeUnit.NANOSECONDS));
      try {
        return body.run(this);
      } catch (AsynchronousCloseException e) {
        if (timedOut.get()) throw timedOut(e);
        if (e instanceof ClosedByInterruptException) Thread.currentThread().interrupt();
        throw ioFailure(operation, e, false);
      } catch (IOException e) {
        if (timedOut.get()) throw timedOut(e);
        throw ioFailure(operation, e, false);
      } finally {
        done.set(true);
        deadline.get().cancel(false);
      }
    }

    private BackendException timedOut(IOException e) {
      return UapiWireGuardBackend.timedOut(operation, socket, timeout,
          reading ? "waiting for its reply" : "sending the request", e);
    }

    @Override
    public void close() {
      closeQuietly(channel);
    }
  }
}
