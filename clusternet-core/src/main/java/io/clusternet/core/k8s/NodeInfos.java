package io.clusternet.core.k8s;

import io.clusternet.core.mesh.NodeInfo;
import io.kubernetes.client.openapi.models.V1Node;
import io.kubernetes.client.openapi.models.V1NodeAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** V1Node → {@link NodeInfo}: only what clusternet reads; heartbeats are left behind. */
final class NodeInfos {
  private NodeInfos() {}

  static NodeInfo of(V1Node node) {
    String name = node.getMetadata() != null && node.getMetadata().getName() != null
        ? node.getMetadata().getName() : "";
    Instant created = node.getMetadata() != null
        && node.getMetadata().getCreationTimestamp() != null
        ? node.getMetadata().getCreationTimestamp().toInstant() : Instant.EPOCH;
    Map<String, String> annotations = node.getMetadata() != null
        && node.getMetadata().getAnnotations() != null
        ? node.getMetadata().getAnnotations() : Map.of();
    List<String> ips = new ArrayList<>();
    if (node.getStatus() != null && node.getStatus().getAddresses() != null) {
      for (V1NodeAddress a : node.getStatus().getAddresses()) {
        if ("InternalIP".equals(a.getType()) && a.getAddress() != null) ips.add(a.getAddress());
      }
    }
    List<String> cidrs = new ArrayList<>();
    if (node.getSpec() != null) {
      if (node.getSpec().getPodCIDRs() != null && !node.getSpec().getPodCIDRs().isEmpty()) {
        for (String c : node.getSpec().getPodCIDRs()) if (c != null) cidrs.add(c);
      } else if (node.getSpec().getPodCIDR() != null) {
        cidrs.add(node.getSpec().getPodCIDR());
      }
    }
    Map<String, String> copy = new java.util.HashMap<>();
    annotations.forEach((k, v) -> {
      if (k != null && v != null) copy.put(k, v);
    });
    return new NodeInfo(name, created, copy, ips, cidrs);
  }
}
