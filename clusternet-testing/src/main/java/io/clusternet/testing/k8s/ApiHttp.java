package io.clusternet.testing.k8s;

import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Kubernetes API requests as raw HTTP, the same bytes to any server: the test kit's {@link
 * FakeApiServer} (plain HTTP, no auth) or a real {@link KubeApiServer} (TLS verified against its
 * CA, a bearer token). For tests that compare servers, set up objects as an admin, or check what
 * a user is refused, without a Kubernetes client library.
 */
public final class ApiHttp {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  /** Content types of the three patch kinds the API server accepts (server-side apply aside). */
  public static final String JSON_PATCH = "application/json-patch+json";
  public static final String MERGE_PATCH = "application/merge-patch+json";
  public static final String STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json";

  /** An HTTP answer: status code and body (a Kubernetes object or {@code Status}). */
  public record Response(int code, String body) {
    public JsonNode json() {
      return JSON.readTree(body);
    }

    /** {@code metadata.resourceVersion} of the returned object. */
    public String resourceVersion() {
      return json().path("metadata").path("resourceVersion").asString();
    }

    /** Fails with the body in the message unless the code is 2xx. */
    public Response ok() {
      if (code / 100 != 2) throw new IllegalStateException("HTTP " + code + ": " + body);
      return this;
    }
  }

  private final String base;
  private final Optional<String> token;
  private final HttpClient http;

  private ApiHttp(String base, Optional<String> token, HttpClient http) {
    this.base = base;
    this.token = token;
    this.http = http;
  }

  /**
   * The connection deadline, as long as a request's: on a loaded 2-core machine the real
   * kube-apiserver (TLS) was seen to take more than 5 s to accept a connection (an
   * ApiServerConformanceTest run at load average ~18), and a test must not fail on the machine's
   * load when the server answers.
   */
  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

  /** Plain HTTP, no credentials (the fake). */
  public static ApiHttp plain(String baseUrl) {
    return new ApiHttp(baseUrl, Optional.empty(), HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT).build());
  }

  /** TLS verified against the credentials' CA, with their bearer token. */
  public static ApiHttp of(KubeApiServer.Credentials credentials) {
    try {
      KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
      trust.load(null, null);
      int i = 0;
      for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(
          new ByteArrayInputStream(credentials.caCertificatePem()))) {
        trust.setCertificateEntry("ca" + i++, c);
      }
      TrustManagerFactory tmf = TrustManagerFactory.getInstance(
          TrustManagerFactory.getDefaultAlgorithm());
      tmf.init(trust);
      SSLContext ssl = SSLContext.getInstance("TLS");
      ssl.init(null, tmf.getTrustManagers(), null);
      return new ApiHttp(credentials.url(), Optional.of(credentials.token()),
          HttpClient.newBuilder().sslContext(ssl).connectTimeout(CONNECT_TIMEOUT).build());
    } catch (IOException | GeneralSecurityException e) {
      throw new IllegalStateException("cannot trust the CA in " + credentials.caFile(), e);
    }
  }

  public String baseUrl() {
    return base;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
        .timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
    token.ifPresent(t -> b.header("Authorization", "Bearer " + t));
    return b;
  }

  /** One request; {@code body} may be null for none. */
  public Response send(String method, String path, String contentType, String body) {
    HttpRequest.Builder b = request(path).method(method, body == null
        ? HttpRequest.BodyPublishers.noBody()
        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    if (contentType != null) b.header("Content-Type", contentType);
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      return new Response(r.statusCode(), r.body());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(method + " " + path + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  public Response get(String path) {
    return send("GET", path, null, null);
  }

  public Response post(String path, String json) {
    return send("POST", path, "application/json", json);
  }

  public Response put(String path, String json) {
    return send("PUT", path, "application/json", json);
  }

  public Response delete(String path) {
    return send("DELETE", path, null, null);
  }

  public Response patch(String path, String contentType, String patch) {
    return send("PATCH", path, contentType, patch);
  }

  /**
   * The events of a watch, as the server sends them, until the server ends the stream ({@code
   * timeoutSeconds} later at most) or {@code maxEvents} have arrived.
   *
   * @param resourceVersion where to resume; empty for "from now, with the current objects first"
   * @return each event's JSON ({@code {"type":..., "object":...}})
   */
  public List<JsonNode> watch(String collectionPath, String resourceVersion, int timeoutSeconds,
      int maxEvents) {
    String q = "?watch=true&timeoutSeconds=" + timeoutSeconds
        + (resourceVersion.isEmpty() ? "" : "&resourceVersion=" + resourceVersion);
    HttpRequest req = request(collectionPath + q)
        .timeout(Duration.ofSeconds(timeoutSeconds + 30L)).GET().build();
    List<JsonNode> events = new ArrayList<>();
    try {
      HttpResponse<InputStream> r = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = r.body(); BufferedReader lines = new BufferedReader(
          new InputStreamReader(in, StandardCharsets.UTF_8))) {
        if (r.statusCode() != 200) {
          String body = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          events.add(JSON.readTree("{\"type\":\"HTTP\",\"code\":" + r.statusCode()
              + ",\"object\":" + (body.isBlank() ? "null" : body) + "}"));
          return events;
        }
        String line;
        while (events.size() < maxEvents && (line = lines.readLine()) != null) {
          if (!line.isBlank()) events.add(JSON.readTree(line));
        }
      }
      return events;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("watch " + collectionPath + ": " + e.getMessage(), e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  // ---------------------------------------------------------------- Nodes, as an admin makes them

  /**
   * Creates a Node the way a real cluster has it: {@code POST} with {@code spec.podCIDRs} and, if
   * {@code annotations} is not null, that annotations map (null: the Node has none at all), then
   * its addresses through the status subresource (the only way they change on a real server).
   *
   * @return the Node as the status patch returned it
   */
  public Response createNode(String name, String internalIp, List<String> podCidrs,
      Map<String, String> annotations) {
    ObjectNode node = JSON.createObjectNode();
    node.put("apiVersion", "v1");
    node.put("kind", "Node");
    ObjectNode meta = node.putObject("metadata");
    meta.put("name", name);
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
    post("/api/v1/nodes", node.toString()).ok();
    ObjectNode status = JSON.createObjectNode();
    ArrayNode addresses = status.putObject("status").putArray("addresses");
    if (internalIp != null) {
      addresses.addObject().put("type", "InternalIP").put("address", internalIp);
    }
    addresses.addObject().put("type", "Hostname").put("address", name);
    return patch("/api/v1/nodes/" + name + "/status", MERGE_PATCH, status.toString()).ok();
  }

  /** The Node's annotation, or empty (no Node, no annotations map, or no such key). */
  public Optional<String> nodeAnnotation(String name, String key) {
    Response r = get("/api/v1/nodes/" + name);
    if (r.code() == 404) return Optional.empty();
    JsonNode v = r.ok().json().path("metadata").path("annotations").path(key);
    return v.isMissingNode() || v.isNull() ? Optional.empty() : Optional.of(v.asString());
  }

  /** Sets (or, with null, removes) one annotation with a merge patch. */
  public void annotateNode(String name, String key, String value) {
    ObjectNode p = JSON.createObjectNode();
    ObjectNode a = p.putObject("metadata").putObject("annotations");
    if (value == null) a.putNull(key); else a.put(key, value);
    patch("/api/v1/nodes/" + name, MERGE_PATCH, p.toString()).ok();
  }

  public void deleteNode(String name) {
    delete("/api/v1/nodes/" + name).ok();
  }
}
