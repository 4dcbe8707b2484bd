package io.clusternet.testing.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.mockwebserver.dsl.HttpMethod;
import io.fabric8.mockwebserver.http.Buffer;
import io.fabric8.mockwebserver.http.Headers;
import io.fabric8.mockwebserver.http.MockResponse;
import io.fabric8.mockwebserver.http.RecordedRequest;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A Kubernetes API server for tests and demos that the official client-java informer can watch,
 * in-process and started in milliseconds (a real one, {@link KubeApiServer}, needs a 13-minute
 * build once per machine and 6 s per start). It puts fabric8's {@link KubernetesCrudDispatcher}
 * (the object store) behind our own HTTP front, which computes updates itself (below) and
 * serves watches the way the API server does: newline-delimited
 * JSON events over a chunked HTTP stream, resumed from a resourceVersion, with {@code 410 Gone}
 * once the requested version has been {@linkplain #compact() compacted}.
 *
 * <p>Plain HTTP on 127.0.0.1; no auth. Cluster-scoped and namespaced collections both work for
 * CRUD; watches filter by collection path (no label or field selectors). Test hooks: {@link
 * #compact()}, {@link #closeWatches()}, {@link #stop()} and {@link #start()} (same port, same
 * state), and node helpers ({@link #createNode}, {@link #heartbeat}, {@link #deleteNode}).
 *
 * <p>Updates (PUT and PATCH) follow the real server, as {@code ApiServerConformanceTest} checks
 * against one: JSON patches (RFC 6902) fail with 422 when a path's parent is missing or a {@code
 * test} fails; merge patches (RFC 7386) and strategic merge patches create missing maps and
 * delete keys set to null; a strategic merge patch merges a Node's {@code status.addresses} and
 * {@code status.conditions} by {@code type} (other lists are replaced, as by a merge patch); the
 * main resource ignores {@code status} and the {@code /status} subresource ignores {@code spec};
 * a {@code metadata.resourceVersion} in a PUT body or a patch that is not the current one answers
 * 409 Conflict; an update that changes nothing writes nothing (no new resourceVersion, no event).
 * What the fake does not match is listed in that test's javadoc.
 */
public final class FakeApiServer implements AutoCloseable {
  static {
    // Without it the JDK server stalls on Nagle + delayed ACKs (~49 ms per request).
    System.setProperty("sun.net.httpserver.nodelay", "true");
  }

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final KubernetesCrudDispatcher dispatcher = new KubernetesCrudDispatcher();
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final List<Event> log = new ArrayList<>();
  private long compactedBefore; // events with rv <= this are gone
  private int epoch; // bumped by closeWatches()
  private final AtomicInteger watchRequests = new AtomicInteger();
  private final AtomicInteger listRequests = new AtomicInteger();
  private final AtomicInteger activeWatches = new AtomicInteger();
  private HttpServer server;
  private ExecutorService executor;
  private int port;

  private record Event(long rv, String collection, String type, String objectJson) {}

  /** A server on a random free port, started. */
  public static FakeApiServer start(int port) throws IOException {
    FakeApiServer s = new FakeApiServer();
    s.port = port;
    s.start();
    return s;
  }

  /** A server on a random free port, started. */
  public static FakeApiServer startOnRandomPort() throws IOException {
    return start(0);
  }

  /** Starts (or restarts, on the same port and with the same state) the HTTP front. */
  public synchronized void start() throws IOException {
    if (server != null) return;
    executor = Executors.newCachedThreadPool(r -> {
      Thread t = new Thread(r, "fake-apiserver");
      t.setDaemon(true);
      return t;
    });
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 64);
    server.createContext("/", this::handle);
    server.setExecutor(executor);
    server.start();
    port = server.getAddress().getPort();
  }

  /** Stops the HTTP front (clients see connection refused); state is kept for {@link #start()}. */
  public synchronized void stop() {
    if (server == null) return;
    closeWatches();
    server.stop(0);
    executor.shutdownNow();
    server = null;
  }

  public int port() {
    return port;
  }

  /** The base URL for {@code ClientBuilder.setBasePath}. */
  public String url() {
    return "http://127.0.0.1:" + port;
  }

  /** Drops the event log: a watch from any earlier resourceVersion now gets 410 Gone. */
  public void compact() {
    lock.lock();
    try {
      compactedBefore = dispatcher.requestResourceVersion();
      log.clear();
    } finally {
      lock.unlock();
    }
  }

  /** Ends every open watch stream (clients re-watch, as after a connection cut). */
  public void closeWatches() {
    lock.lock();
    try {
      epoch++;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public int watchRequests() {
    return watchRequests.get();
  }

  public int listRequests() {
    return listRequests.get();
  }

  public int activeWatches() {
    return activeWatches.get();
  }

  @Override
  public void close() {
    stop();
  }

  // ---------------------------------------------------------------- in-process helpers

  /** Creates a Node with an InternalIP, pod CIDRs and annotations (null values are left out). */
  public String createNode(String name, String internalIp, List<String> podCidrs,
      Map<String, String> annotations) {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", name);
    meta.put("creationTimestamp", Instant.now().toString());
    if (annotations != null) {
      ObjectNode a = meta.putObject("annotations");
      annotations.forEach(a::put);
    }
    ObjectNode spec = node.putObject("spec");
    if (podCidrs != null && !podCidrs.isEmpty()) {
      spec.put("podCIDR", podCidrs.get(0));
      ArrayNode list = spec.putArray("podCIDRs");
      podCidrs.forEach(list::add);
    }
    ObjectNode status = node.putObject("status");
    ArrayNode addresses = status.putArray("addresses");
    if (internalIp != null) {
      addresses.addObject().put("type", "InternalIP").put("address", internalIp);
    }
    addresses.addObject().put("type", "Hostname").put("address", name);
    status.putArray("conditions").addObject().put("type", "Ready").put("status", "True")
        .put("lastHeartbeatTime", Instant.now().toString());
    return call("POST", "/api/v1/nodes", node.toString(), "application/json").body;
  }

  /** Updates a Node's Ready condition heartbeat, as the kubelet does every few seconds. */
  public void heartbeat(String name) {
    String patch = "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\","
        + "\"lastHeartbeatTime\":\"" + Instant.now() + "\"}]}}";
    Response r = update("PATCH", "/api/v1/nodes/" + name + "/status", patch,
        "application/merge-patch+json");
    if (r.code / 100 != 2) throw new IllegalStateException("heartbeat " + name + ": " + r.body);
  }

  /** Applies a JSON merge patch to a Node. */
  public void mergePatchNode(String name, String patchJson) {
    Response r = update("PATCH", "/api/v1/nodes/" + name, patchJson,
        "application/merge-patch+json");
    if (r.code / 100 != 2) throw new IllegalStateException("patch " + name + ": " + r.body);
  }

  public void deleteNode(String name) {
    Response r = call("DELETE", "/api/v1/nodes/" + name, "", "application/json");
    if (r.code / 100 != 2) throw new IllegalStateException("delete " + name + ": " + r.body);
  }

  /** The Node's JSON, or null. */
  public String getNode(String name) {
    Response r = call("GET", "/api/v1/nodes/" + name, "", "application/json");
    return r.code == 200 ? r.body : null;
  }

  /** A Node's annotation, or null. */
  public String nodeAnnotation(String name, String key) {
    String json = getNode(name);
    if (json == null) return null;
    JsonNode v = JSON.readTree(json).path("metadata").path("annotations").path(key);
    return v.isMissingNode() || v.isNull() ? null : v.asString();
  }

  // ---------------------------------------------------------------- HTTP

  private record Response(int code, String body) {}

  private static Response status(int code, String reason, String message) {
    return new Response(code, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
        + "\"status\":\"Failure\",\"message\":" + JSON.writeValueAsString(message)
        + ",\"reason\":\"" + reason + "\",\"code\":" + code + "}");
  }

  /**
   * PUT or PATCH of one object (or its {@code /status}), as the real server does it: the new
   * object is computed here (the patch applied to the current one), the part the endpoint does
   * not own is put back, the resourceVersion precondition is checked, and only a real change is
   * written (through the dispatcher, as a PUT, which records the event).
   */
  private Response update(String method, String rawPath, String body, String contentType) {
    boolean statusPath = rawPath.endsWith("/status");
    String objectPath = statusPath ? rawPath.substring(0, rawPath.length() - 7) : rawPath;
    if (collectionOf(objectPath).equals(objectPath)) {
      return status(405, "MethodNotAllowed", method + " needs an object, not a collection");
    }
    lock.lock();
    try {
      Response got = call("GET", objectPath, "", "application/json");
      if (got.code == 404) {
        String name = objectPath.substring(objectPath.lastIndexOf('/') + 1);
        return status(404, "NotFound", "\"" + name + "\" not found");
      }
      ObjectNode current = (ObjectNode) JSON.readTree(got.body);
      JsonNode next;
      try {
        JsonNode input = JSON.readTree(body);
        String type = contentType.split(";")[0].strip();
        next = switch (method + " " + type) {
          case "PUT application/json" -> input;
          case "PATCH application/json-patch+json" -> JsonPatches.apply(current, input);
          case "PATCH application/merge-patch+json" -> JsonPatches.merge(current, input, false, "");
          case "PATCH application/strategic-merge-patch+json" ->
              JsonPatches.merge(current, input, true, "");
          default -> null;
        };
        if (next == null) {
          return status(415, "UnsupportedMediaType", "unsupported media type " + type);
        }
      } catch (JsonPatches.PatchException e) {
        return status(422, "Invalid", e.getMessage());
      } catch (RuntimeException e) {
        return status(400, "BadRequest", "malformed body: " + e.getMessage());
      }
      if (!next.isObject()) return status(400, "BadRequest", "the body is not an object");
      ObjectNode result = (ObjectNode) next;
      // The endpoint owns one part: the main resource ignores status, /status ignores spec.
      String kept = statusPath ? "spec" : "status";
      if (current.has(kept)) result.set(kept, current.get(kept)); else result.remove(kept);
      String currentRv = current.path("metadata").path("resourceVersion").asString("");
      JsonNode meta = result.path("metadata");
      if (!meta.isObject()) return status(422, "Invalid", "metadata: Required value");
      String wantedRv = meta.path("resourceVersion").asString("");
      if (!wantedRv.isEmpty() && !wantedRv.equals(currentRv)) {
        String name = objectPath.substring(objectPath.lastIndexOf('/') + 1);
        return status(409, "Conflict", "Operation cannot be fulfilled on " + name
            + ": the object has been modified; please apply your changes to the latest version"
            + " and try again");
      }
      ((ObjectNode) meta).put("resourceVersion", currentRv);
      if (result.equals(current)) return new Response(200, got.body); // no change, no write
      return call("PUT", objectPath, result.toString(), "application/json");
    } finally {
      lock.unlock();
    }
  }

  private static String collectionOf(String path) {
    String[] parts = path.split("/");
    // /api/v1/nodes/NAME, /api/v1/namespaces/NS/pods/NAME: drop the name
    if (path.startsWith("/api/v1/namespaces/") && parts.length == 7) {
      return String.join("/", java.util.Arrays.copyOf(parts, 6));
    }
    if (path.startsWith("/api/v1/") && parts.length == 5 && !path.startsWith("/api/v1/namespaces/")) {
      return String.join("/", java.util.Arrays.copyOf(parts, 4));
    }
    return path;
  }

  /** One CRUD call through the dispatcher, recording the event it makes, in RV order. */
  private Response call(String method, String pathAndQuery, String body, String contentType) {
    lock.lock();
    try {
      Headers headers = Headers.builder().add("Content-Type", contentType).build();
      MockResponse mr = dispatcher.dispatch(new RecordedRequest("HTTP/1.1",
          HttpMethod.valueOf(method), pathAndQuery, headers,
          new Buffer(body.getBytes(StandardCharsets.UTF_8))));
      int code = parseCode(mr.getStatus());
      if (code == 202) code = 200;
      String out = mr.getBody() == null ? "" : new String(mr.getBody().getBytes(),
          StandardCharsets.UTF_8);
      String path = pathAndQuery.contains("?")
          ? pathAndQuery.substring(0, pathAndQuery.indexOf('?')) : pathAndQuery;
      if (code / 100 == 2 && !method.equals("GET")) {
        record(method, path, out);
      }
      return new Response(code, out);
    } finally {
      lock.unlock();
    }
  }

  private void record(String method, String path, String objectJson) {
    if (objectJson.isEmpty()) return;
    JsonNode obj = JSON.readTree(objectJson);
    if (!obj.has("metadata")) return;
    String type = switch (method) {
      case "POST" -> "ADDED";
      case "DELETE" -> "DELETED";
      default -> "MODIFIED";
    };
    long rv;
    if (type.equals("DELETED")) {
      rv = dispatcher.requestResourceVersion(); // a fresh one, never reused
      ((ObjectNode) obj.get("metadata")).put("resourceVersion", Long.toString(rv));
      objectJson = obj.toString();
    } else {
      rv = Long.parseLong(obj.path("metadata").path("resourceVersion").asString("0"));
    }
    String collection = method.equals("POST") ? path : collectionOf(path);
    log.add(new Event(rv, collection, type, objectJson));
    changed.signalAll();
  }

  private static int parseCode(String status) {
    // "HTTP/1.1 200 OK"
    String[] parts = status.split(" ");
    return Integer.parseInt(parts.length > 1 ? parts[1] : parts[0]);
  }

  private void handle(HttpExchange ex) throws IOException {
    try {
      String method = ex.getRequestMethod();
      String rawPath = ex.getRequestURI().getRawPath();
      String query = ex.getRequestURI().getRawQuery();
      Map<String, String> params = parseQuery(query);
      if (method.equals("GET") && "true".equals(params.get("watch"))) {
        watchRequests.incrementAndGet();
        serveWatch(ex, rawPath, params);
        return;
      }
      if (method.equals("GET") && (rawPath.equals("/version") || rawPath.equals("/version/"))) {
        send(ex, 200, "{\"major\":\"1\",\"minor\":\"32\",\"gitVersion\":\"v1.32.0-clusternet-fake\"}");
        return;
      }
      if (method.equals("GET") && collectionOf(rawPath).equals(rawPath)) listRequests.incrementAndGet();
      String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
      String contentType = ex.getRequestHeaders().getFirst("Content-Type");
      if (contentType == null) contentType = "application/json";
      Response r = method.equals("PUT") || method.equals("PATCH")
          ? update(method, rawPath, body, contentType)
          : call(method, rawPath + (query == null ? "" : "?" + query), body, contentType);
      send(ex, r.code, r.body);
    } catch (RuntimeException e) {
      send(ex, 500, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\","
          + "\"message\":" + JSON.writeValueAsString(String.valueOf(e.getMessage())) + ",\"code\":500}");
    } finally {
      ex.close();
    }
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      try (OutputStream out = ex.getResponseBody()) {
        out.write(b);
      }
    }
  }

  private static Map<String, String> parseQuery(String query) {
    Map<String, String> out = new HashMap<>();
    if (query == null) return out;
    for (String kv : query.split("&")) {
      int eq = kv.indexOf('=');
      String k = URLDecoder.decode(eq < 0 ? kv : kv.substring(0, eq), StandardCharsets.UTF_8);
      String v = eq < 0 ? "" : URLDecoder.decode(kv.substring(eq + 1), StandardCharsets.UTF_8);
      out.put(k, v);
    }
    return out;
  }

  private void serveWatch(HttpExchange ex, String path, Map<String, String> params)
      throws IOException {
    activeWatches.incrementAndGet();
    try {
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.getResponseHeaders().set("Transfer-Encoding", "chunked");
      ex.sendResponseHeaders(200, 0);
      OutputStream out = ex.getResponseBody();
      long timeoutMs = params.containsKey("timeoutSeconds")
          ? Long.parseLong(params.get("timeoutSeconds")) * 1000 : 300_000;
      long deadline = System.currentTimeMillis() + timeoutMs;
      String rvParam = params.getOrDefault("resourceVersion", "");
      long from;
      int myEpoch;
      List<String> initial = new ArrayList<>();
      lock.lock();
      try {
        myEpoch = epoch;
        if (rvParam.isEmpty() || rvParam.equals("0")) {
          // Synthetic ADDED events for the current state, then everything after.
          Response list = call("GET", path, "", "application/json");
          JsonNode l = JSON.readTree(list.body);
          for (JsonNode item : l.path("items")) {
            initial.add("{\"type\":\"ADDED\",\"object\":" + item + "}");
          }
          from = Long.parseLong(l.path("metadata").path("resourceVersion").asString("0"));
        } else {
          from = Long.parseLong(rvParam);
          if (from < compactedBefore) {
            String gone = "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"apiVersion\":"
                + "\"v1\",\"status\":\"Failure\",\"message\":\"too old resource version: " + from
                + " (" + compactedBefore + ")\",\"reason\":\"Expired\",\"code\":410}}\n";
            out.write(gone.getBytes(StandardCharsets.UTF_8));
            out.flush();
            out.close();
            return;
          }
        }
      } finally {
        lock.unlock();
      }
      for (String e : initial) {
        out.write((e + "\n").getBytes(StandardCharsets.UTF_8));
      }
      out.flush();
      while (true) {
        List<String> batch = new ArrayList<>();
        lock.lock();
        try {
          while (true) {
            if (epoch != myEpoch) {
              out.close();
              return;
            }
            for (Event e : log) {
              if (e.rv > from && e.collection.equals(path)) {
                batch.add("{\"type\":\"" + e.type + "\",\"object\":" + e.objectJson + "}");
                from = e.rv;
              }
            }
            if (!batch.isEmpty()) break;
            long left = deadline - System.currentTimeMillis();
            if (left <= 0) {
              out.close();
              return;
            }
            try {
              changed.await(Math.min(left, 1000), java.util.concurrent.TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
              out.close();
              return;
            }
          }
        } finally {
          lock.unlock();
        }
        for (String e : batch) out.write((e + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (IOException clientGone) {
      // the client closed the stream
    } finally {
      activeWatches.decrementAndGet();
    }
  }
}
