package io.clusternet.examples;

import com.google.common.util.concurrent.Service;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.clusternet.core.ClusterNet;
import io.clusternet.core.ClusterNetStatus;
import io.clusternet.core.mesh.Untrusted;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Supplier;

/**
 * The agent's health endpoints, served with the JDK's {@code com.sun.net.httpserver} (no
 * dependency): {@code GET /healthz} (liveness) and {@code GET /readyz} (readiness). Each answers
 * 200 with the body {@code ok}, or 503 with one line saying why (made {@linkplain
 * Untrusted#lineSafe line-safe}: escaped, at most {@link Untrusted#MAX_LINE} chars). The texts
 * come from {@link ClusterNet#health()} and the service state, which never hold a private key.
 */
final class HealthEndpoints implements AutoCloseable {
  /** An HTTP answer: status code and a one-line body (without the trailing newline). */
  record Answer(int code, String body) {
    /** Makes {@code body} line-safe: escaped and cut, so no text can add a line. */
    Answer {
      body = Untrusted.lineSafe(body);
    }
  }

  private static final Answer OK = new Answer(200, "ok");

  private final HttpServer server;
  private final ExecutorService executor;

  private HealthEndpoints(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Liveness: 503 when the service has FAILED (the reason is the failure's message) or is
   * stopping or stopped; else 200. While it runs, a device that is not up is being restored: the
   * watchdog restores it and fails the service when it cannot within the restore timeout, so a
   * running service always counts as live. A starting one does too (it is bringing the device up).
   */
  static Answer liveness(Service.State state, Supplier<Optional<Throwable>> failure) {
    return switch (state) {
      case NEW, STARTING, RUNNING -> OK;
      case FAILED -> new Answer(503, "failed: " + failure.get()
          .map(t -> t.getClass().getSimpleName() + ": " + t.getMessage()).orElse("unknown"));
      case STOPPING, TERMINATED -> new Answer(503, "stopped (" + state + ")");
    };
  }

  /**
   * Readiness: 200 when the service runs, the node informer has synced, the device is up and this
   * node's public key is published; else 503 naming each missing condition and the last error.
   */
  static Answer readiness(Service.State state, ClusterNetStatus.Health health) {
    if (state == Service.State.RUNNING && health.isHealthy()) return OK;
    List<String> missing = new ArrayList<>();
    if (state != Service.State.RUNNING || !health.running()) {
      missing.add("service " + state);
    }
    if (!health.informerSynced()) missing.add("node informer not synced");
    if (!health.deviceUp()) missing.add("device not up");
    if (!health.keyPublished()) missing.add("public key not published");
    String body = "not ready: " + String.join(", ", missing)
        + health.lastError().map(e -> "; last error: " + e).orElse("");
    return new Answer(503, body);
  }

  /**
   * Listens on {@code address} (port 0: any free port) and answers for {@code net}.
   *
   * @throws IOException when the address cannot be bound (in use, not local)
   */
  static HealthEndpoints start(InetSocketAddress address, ClusterNet net) throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "clusternet-health");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", exchange -> {
      try (exchange) {
        String path = exchange.getRequestURI().getPath();
        Answer answer;
        if (!List.of("GET", "HEAD").contains(exchange.getRequestMethod())) {
          answer = new Answer(405, "method not allowed: use GET");
        } else if (path.equals("/healthz")) {
          answer = liveness(net.state(), () -> Optional.ofNullable(
              net.state() == Service.State.FAILED ? net.failureCause() : null));
        } else if (path.equals("/readyz")) {
          Service.State state = net.state();
          answer = readiness(state, net.health());
        } else {
          answer = new Answer(404, "not found: try /healthz or /readyz");
        }
        send(exchange, answer);
      }
    });
    server.start();
    return new HealthEndpoints(server, executor);
  }

  private static void send(HttpExchange exchange, Answer answer) throws IOException {
    byte[] body = (answer.body() + "\n").getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", "text/plain; charset=utf-8");
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(answer.code(), head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** Serves {@code path} (and below) on this server too, such as the agent's /metrics. */
  void serve(String path, com.sun.net.httpserver.HttpHandler handler) {
    server.createContext(path, handler);
  }

  /** The bound address (with the real port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  /**
   * Parses the {@code --health-address} value: {@code off}, {@code HOST:PORT} or {@code
   * [IPV6]:PORT}, where HOST is a literal IP address (no name lookup) and PORT is 0 to 65535.
   *
   * @return empty for {@code off}
   * @throws IllegalArgumentException saying what is wrong, without the flag name
   */
  static Optional<InetSocketAddress> parseAddress(String value) {
    if (value.equals("off")) return Optional.empty();
    int colon = value.lastIndexOf(':');
    if (colon <= 0) {
      throw new IllegalArgumentException("expected off or HOST:PORT, not "
          + Untrusted.quote(value));
    }
    String host = value.substring(0, colon);
    String portText = value.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new IllegalArgumentException("an IPv6 address goes in brackets, as [::1]:9473, not "
          + Untrusted.quote(value));
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      port = -1;
    }
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("the port must be 0 to 65535, not "
          + Untrusted.quote(portText));
    }
    if (!isIpLiteral(host)) {
      throw new IllegalArgumentException("the host must be an IP address, not "
          + Untrusted.quote(host));
    }
    try {
      return Optional.of(new InetSocketAddress(InetAddress.getByName(host), port));
    } catch (IOException e) {
      throw new IllegalArgumentException("the host must be an IP address, not "
          + Untrusted.quote(host), e);
    }
  }

  private static boolean isIpLiteral(String host) {
    if (host.isEmpty()) return false;
    if (host.contains(":")) return host.chars().allMatch(c -> c == ':' || c == '.'
        || Character.digit(c, 16) >= 0);
    if (!host.matches("\\d{1,3}(\\.\\d{1,3}){3}")) return false;
    for (String part : host.split("\\.")) {
      if (Integer.parseInt(part) > 255) return false;
    }
    return true;
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
