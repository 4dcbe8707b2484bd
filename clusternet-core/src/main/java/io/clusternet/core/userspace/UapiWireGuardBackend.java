package io.clusternet.core.userspace;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import java.io.BufferedWriter;
import java.io.IOException;
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
 *   <li>Every operation has a deadline ({@link #withTimeout}); a daemon that stops answering
 *       gives {@link Reason#TIMEOUT} instead of a hung thread.
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

  private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);
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

  /** This backend with another per-operation deadline (default 60 s). */
  public UapiWireGuardBackend withTimeout(Duration timeout) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout must be positive: " + timeout);
    }
    return new UapiWireGuardBackend(socketDirectory, timeout);
  }

  public Path socketDirectory() {
    return socketDirectory;
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
    set(name, out -> UapiCodec.writeSet(out, config));
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
    set(name, out -> {
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

  private void set(String name, RequestWriter request) throws BackendException {
    String operation = "configuring " + name;
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
        c = connect(name, operation);
        if (c == null) return null;
      }
      long before = c.in.bytesRead();
      try {
        T result = c.run(body, timeout);
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

  /** A connection, or null if there is no live socket for the device. */
  private Connection connect(String name, String operation) throws BackendException {
    Path path = socketPath(name);
    SocketChannel channel;
    try {
      channel = SocketChannel.open(StandardProtocolFamily.UNIX);
    } catch (IOException e) {
      throw ioFailure(operation, e, false);
    }
    try {
      channel.connect(UnixDomainSocketAddress.of(path));
    } catch (IOException e) {
      closeQuietly(channel);
      String text = String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT);
      // No socket file, or a stale one left by a killed daemon: no such device.
      if (e instanceof NoSuchFileException || text.contains("no such file")
          || text.contains("connection refused")) {
        return null;
      }
      throw ioFailure(operation, e, false);
    }
    return new Connection(channel, operation);
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

  /** One connection, one request at a time, each closed by a watchdog if its deadline passes. */
  private static final class Connection implements AutoCloseable {
    final SocketChannel channel;
    final String operation;
    final Writer out;
    final UapiCodec.LineReader in;
    final AtomicBoolean timedOut = new AtomicBoolean();

    Connection(SocketChannel channel, String operation) {
      this.channel = channel;
      this.operation = operation;
      this.out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(channel),
          StandardCharsets.US_ASCII), 32 * 1024);
      this.in = new UapiCodec.LineReader(Channels.newInputStream(channel));
    }

    interface Body<T> {
      T run(Connection c) throws IOException, BackendException;
    }

    <T> T run(Body<T> body, Duration timeout) throws BackendException {
      in.startReply();
      ScheduledFuture<?> deadline = WATCHDOG.schedule(() -> {
        timedOut.set(true);
        closeQuietly(channel);
      }, timeout.toNanos(), TimeUnit.NANOSECONDS);
      try {
        return body.run(this);
      } catch (AsynchronousCloseException e) {
        if (e instanceof ClosedByInterruptException) Thread.currentThread().interrupt();
        throw ioFailure(operation, e, timedOut.get());
      } catch (IOException e) {
        throw ioFailure(operation, e, timedOut.get());
      } finally {
        deadline.cancel(false);
      }
    }

    @Override
    public void close() {
      closeQuietly(channel);
    }
  }
}
