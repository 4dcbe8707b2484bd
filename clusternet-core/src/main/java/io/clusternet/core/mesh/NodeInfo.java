package io.clusternet.core.mesh;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The parts of a Kubernetes Node that clusternet reads. Status conditions and heartbeat times
 * are deliberately absent, so a heartbeat-only change yields an equal {@code NodeInfo}.
 *
 * @param name the node name
 * @param created the creation timestamp (the older node wins an allowed-IP conflict)
 * @param annotations the node's annotations
 * @param internalIps the {@code InternalIP} addresses from {@code status.addresses}, as text
 * @param podCidrs {@code spec.podCIDRs} (or {@code spec.podCIDR}), as text
 */
public record NodeInfo(String name, Instant created, Map<String, String> annotations,
    List<String> internalIps, List<String> podCidrs) {
  public NodeInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(created, "created");
    annotations = Map.copyOf(annotations);
    internalIps = List.copyOf(internalIps);
    podCidrs = List.copyOf(podCidrs);
  }
}
