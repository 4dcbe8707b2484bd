package io.clusternet.core.k8s;

import io.clusternet.api.crypto.PublicKey;
import io.kubernetes.client.custom.V1Patch;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.util.PatchUtils;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes our public key as an annotation on our own Node. Idempotent (no patch when the
 * annotation already holds the key). One JSON merge patch (RFC 7386), which creates the
 * annotations map when the Node has none: a JSON patch {@code add} into a missing map is refused
 * by a real API server (422), and client-java reads an absent map as an empty one, so the client
 * cannot tell the two apart. The patch carries the resourceVersion we read, so the server
 * refuses it (409 Conflict) if the Node changed meanwhile: a concurrent writer is never
 * overwritten blindly, and the caller's retry re-reads and re-checks. A different key already on
 * the Node is reported.
 */
public final class NodeAnnotator {
  private static final Logger log = LoggerFactory.getLogger(NodeAnnotator.class);

  /** What publishing found and did. */
  public record Result(boolean patched, Optional<String> replacedValue) {}

  private final ApiClient client;
  private final CoreV1Api api;
  private final java.time.Duration deadline;

  /** Without a deadline of its own (the client's timeouts apply). */
  public NodeAnnotator(ApiClient client) {
    this(client, java.time.Duration.ZERO);
  }

  /**
   * @param deadline the longest any one API call may take, start to end (0: none); a call past
   *     it fails with an {@link ApiException} wrapping an {@code InterruptedIOException}
   */
  public NodeAnnotator(ApiClient client, java.time.Duration deadline) {
    this.client = Objects.requireNonNull(client, "client");
    this.api = new CoreV1Api(client);
    this.deadline = Objects.requireNonNull(deadline, "deadline");
  }

  private okhttp3.Call withDeadline(okhttp3.Call call) {
    if (!deadline.isZero()) {
      call.timeout().timeout(deadline.toNanos(), java.util.concurrent.TimeUnit.NANOSECONDS);
    }
    return call;
  }

  private V1Node read(String nodeName) throws ApiException {
    okhttp3.Call call = withDeadline(api.readNode(nodeName).buildCall(null));
    return client.<V1Node>execute(call, V1Node.class).getData();
  }

  private static String json(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        default -> {
          if (c < 0x20) b.append(String.format("\\u%04x", (int) c));
          else b.append(c);
        }
      }
    }
    return b.append('"').toString();
  }

  /**
   * Makes {@code annotationKey} on node {@code nodeName} equal {@code key}, trying once.
   *
   * @throws ApiException on API failures, including a conflict (HTTP 409: the Node changed
   *     since we read it); callers retry with backoff
   */
  public Result publishOnce(String nodeName, String annotationKey, PublicKey key)
      throws ApiException {
    V1Node node = read(nodeName);
    Map<String, String> annotations = node.getMetadata() == null ? null
        : node.getMetadata().getAnnotations();
    String current = annotations == null ? null : annotations.get(annotationKey);
    String wanted = key.toBase64();
    if (wanted.equals(current)) return new Result(false, Optional.empty());
    if (current != null) {
      log.warn("node {} carries a different WireGuard key {} in {}; replacing it with this node's "
          + "key {} (the private key on disk is the node's identity)", nodeName,
          io.clusternet.core.mesh.Untrusted.quote(current),
          annotationKey, wanted);
    }
    String rv = node.getMetadata().getResourceVersion();
    String patch = "{\"metadata\":{\"resourceVersion\":" + json(rv) + ",\"annotations\":{"
        + json(annotationKey) + ":" + json(wanted) + "}}}";
    PatchUtils.patch(V1Node.class, () -> withDeadline(api.patchNode(nodeName, new V1Patch(patch))
        .buildCall(null)), V1Patch.PATCH_FORMAT_JSON_MERGE_PATCH, client);
    log.info("published WireGuard key {} on node {} ({})", wanted, nodeName, annotationKey);
    return new Result(true, Optional.ofNullable(current));
  }

  /** The annotation's current value on our Node. */
  public Optional<String> current(String nodeName, String annotationKey) throws ApiException {
    V1Node node = read(nodeName);
    return Optional.ofNullable(node.getMetadata() == null
        || node.getMetadata().getAnnotations() == null ? null
        : node.getMetadata().getAnnotations().get(annotationKey));
  }
}
