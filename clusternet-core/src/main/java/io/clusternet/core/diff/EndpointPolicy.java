package io.clusternet.core.diff;

import java.time.Duration;

/**
 * Which endpoint a peer that is already on the device keeps, when the device reports another one
 * than its node's configured InternalIP:port.
 *
 * <p>WireGuard updates a peer's endpoint from every authenticated packet it receives ("roaming"):
 * a peer behind NAT, or one whose source address changed, is reached at the address its packets
 * came from. Writing the configured endpoint back over a roamed one breaks such a peer until its
 * next packet roams it again (with a 30 s resync: the connection drops every 30 s).
 *
 * <p>Either way, a new peer always gets its configured endpoint, and a peer with no endpoint gets
 * it too.
 */
public enum EndpointPolicy {
  /**
   * The configured endpoint, always: a roamed endpoint is written back at the next diff (the
   * behaviour before this policy existed). For meshes where every node is reachable at its
   * InternalIP and a stray packet must never redirect traffic, even for a while.
   */
  CONFIGURED,

  /**
   * A roamed endpoint is kept (not written, and an update for another field leaves the endpoint
   * out) while the peer's latest handshake is recent: at most the grace old ({@link #DEFAULT_GRACE}
   * by default). Once the handshake is stale, or there is none, the configured endpoint is written
   * again, so a peer that roamed away and went silent is looked for where its node says it is.
   */
  ROAMING;

  /**
   * 180 s, WireGuard's {@code REJECT_AFTER_TIME}: a session older than this is dead, so a
   * handshake within it means the peer proved itself from that endpoint within one session's life.
   * A peer with traffic or persistent keepalive re-handshakes every 120 s ({@code
   * REKEY_AFTER_TIME}), so a live roamed peer never goes stale.
   */
  public static final Duration DEFAULT_GRACE = Duration.ofSeconds(180);
}
