package io.clusternet.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpHandler;
import com.sun.net.httpserver.HttpServer;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's {@code GET /metrics}: the service's meters (and nothing else) in the Prometheus
 * text format 0.0.4, rendered by Micrometer's {@link PrometheusMeterRegistry}, served with the
 * JDK's {@code com.sun.net.httpserver}. On the health endpoints' server when {@code
 * --metrics-address} equals {@code --health-address}, else on a server of its own. The meters
 * hold node names, counts and flags, never key material.
 */
final class MetricsEndpoint implements AutoCloseable {
  /** The Prometheus text format's content type. */
  static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private MetricsEndpoint(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /** Answers GET and HEAD on {@code /metrics} with a scrape of {@code registry}. */
  static HttpHandler handler(PrometheusMeterRegistry registry) {
    return exchange -> {
      try (exchange) {
        if (!exchange.getRequestURI().getPath().equals("/metrics")) {
          send(exchange, 404, "text/plain; charset=utf-8", "not found: try /metrics\n");
        } else if (!List.of("GET", "HEAD").contains(exchange.getRequestMethod())) {
          send(exchange, 405, "text/plain; charset=utf-8", "method not allowed: use GET\n");
        } else {
          send(exchange, 200, CONTENT_TYPE, registry.scrape());
        }
      }
    };
  }

  /**
   * Listens on {@code address} (port 0: any free port) with a server of its own.
   *
   * @throws IOException when the address cannot be bound (in use, not local)
   */
  static MetricsEndpoint start(InetSocketAddress address, PrometheusMeterRegistry registry)
      throws IOException {
    HttpServer server = HttpServer.create(address, 16);
    ExecutorService executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "clusternet-metrics");
      t.setDaemon(true);
      return t;
    });
    server.setExecutor(executor);
    server.createContext("/", handler(registry));
    server.start();
    return new MetricsEndpoint(server, executor);
  }

  private static void send(HttpExchange exchange, int code, String type, String text)
      throws IOException {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().set("Content-Type", type);
    exchange.getResponseHeaders().set("Cache-Control", "no-store");
    boolean head = exchange.getRequestMethod().equals("HEAD");
    exchange.sendResponseHeaders(code, head ? -1 : body.length);
    if (!head) {
      try (OutputStream out = exchange.getResponseBody()) {
        out.write(body);
      }
    }
  }

  /** The bound address (with the real port when 0 was asked for). */
  InetSocketAddress address() {
    return server.getAddress();
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
