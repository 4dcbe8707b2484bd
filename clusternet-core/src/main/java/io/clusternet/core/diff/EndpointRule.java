package io.clusternet.core.diff;

import io.clusternet.api.net.Endpoint;
import io.clusternet.api.wg.PeerState;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * The inputs of the endpoint decision, passed into the pure diff: the policy, the grace, and the
 * time to measure handshake ages against (the diff reads no clock).
 *
 * @param policy which endpoint a peer on the device keeps
 * @param grace how old (or how far in the future) the latest handshake may be for a roamed
 *     endpoint to be kept under {@link EndpointPolicy#ROAMING}; positive
 * @param now the wall-clock time handshake times (wall-clock instants) are compared with
 */
public record EndpointRule(EndpointPolicy policy, Duration grace, Instant now) {
  /** Always the configured endpoint (no clock needed). */
  public static final EndpointRule CONFIGURED =
      new EndpointRule(EndpointPolicy.CONFIGURED, EndpointPolicy.DEFAULT_GRACE, Instant.EPOCH);

  public EndpointRule {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(grace, "grace");
    Objects.requireNonNull(now, "now");
    if (grace.isNegative() || grace.isZero()) {
      throw new IllegalArgumentException("grace must be positive, got " + grace);
    }
  }

  /**
   * Whether the device's endpoint for a peer it already has is kept instead of {@code
   * configured}: under {@link EndpointPolicy#ROAMING}, when the device has an endpoint that differs
   * from {@code configured} and the peer's latest handshake is recent. Recent means within the
   * grace of {@link #now}, either way: a handshake more than the grace in the future (the wall
   * clock was set back) counts as stale, so a clock jump cannot pin a roamed endpoint for long.
   */
  public boolean keepsRoamed(Endpoint configured, PeerState have) {
    if (policy != EndpointPolicy.ROAMING) return false;
    Optional<Endpoint> current = have.endpoint();
    if (current.isEmpty() || current.get().equals(configured)) return false;
    return isRecent(have.lastHandshake());
  }

  /** Whether {@code handshake} is present and within the grace of {@link #now}, either way. */
  public boolean isRecent(Optional<Instant> handshake) {
    if (handshake.isEmpty()) return false;
    Duration age = Duration.between(handshake.get(), now).abs();
    return age.compareTo(grace) <= 0;
  }
}
