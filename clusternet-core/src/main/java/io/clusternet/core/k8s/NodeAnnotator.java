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
 * annotation already holds the key). A JSON patch guarded by a {@code test} of the
 * resourceVersion, which creates the annotations map when it is missing ({@code add} into a
 * missing map fails on a real API server), so a concurrent writer is never overwritten blindly:
 * a conflict re-reads and tries again. A different key already on the Node is reported.
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

  /** RFC 6901: {@code ~} → {@code ~0}, then {@code /} → {@code ~1}. */
  static String escape(String key) {
    return key.replace("~", "~0").replace("/", "~1");
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
   * @throws ApiException on API failures, including a conflict (HTTP 409/422/500 from a failed
   *     {@code test}); callers retry with backoff
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
    String path = "/metadata/annotations/" + escape(annotationKey);
    String patch = annotations == null
        ? "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":" + json(rv) + "},"
            + "{\"op\":\"add\",\"path\":\"/metadata/annotations\",\"value\":{" + json(annotationKey)
            + ":" + json(wanted) + "}}]"
        : "[{\"op\":\"test\",\"path\":\"/metadata/resourceVersion\",\"value\":" + json(rv) + "},"
            + "{\"op\":\"add\",\"path\":" + json(path) + ",\"value\":" + json(wanted) + "}]";
    PatchUtils.patch(V1Node.class, () -> withDeadline(api.patchNode(nodeName, new V1Patch(patch))
        .buildCall(null)), V1Patch.PATCH_FORMAT_JSON_PATCH, client);
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
