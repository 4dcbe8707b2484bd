package io.clusternet.api.wg;

import io.clusternet.api.crypto.PresharedKey;
import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.Endpoint;
import io.clusternet.api.net.IpPrefix;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A requested change to one peer. Empty optionals leave the peer's value unchanged.
 *
 * @param publicKey which peer
 * @param remove remove the peer (no other field may be set)
 * @param updateOnly change the peer only if it exists; never create it
 * @param presharedKey set the preshared key; an all-zero key clears it
 * @param endpoint set the endpoint
 * @param persistentKeepalive set the keepalive interval (0-65535 s); {@link Duration#ZERO} turns
 *     it off
 * @param replaceAllowedIps replace the peer's allowed IPs with {@link #allowedIps()} instead of
 *     adding to them
 * @param allowedIps allowed IPs to add (or to set, with {@link #replaceAllowedIps()})
 */
public record PeerConfig(
    PublicKey publicKey,
    boolean remove,
    boolean updateOnly,
    Optional<PresharedKey> presharedKey,
    Optional<Endpoint> endpoint,
    Optional<Duration> persistentKeepalive,
    boolean replaceAllowedIps,
    List<IpPrefix> allowedIps) {

  public PeerConfig {
    Objects.requireNonNull(publicKey, "publicKey");
    Objects.requireNonNull(presharedKey, "presharedKey");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(persistentKeepalive, "persistentKeepalive");
    allowedIps = List.copyOf(allowedIps);
    persistentKeepalive.ifPresent(PeerConfig::checkKeepalive);
    if (remove && (updateOnly || presharedKey.isPresent() || endpoint.isPresent()
        || persistentKeepalive.isPresent() || replaceAllowedIps || !allowedIps.isEmpty())) {
      throw new IllegalArgumentException(
          "a peer removal carries only the public key (peer " + publicKey + ")");
    }
  }

  private static void checkKeepalive(Duration d) {
    if (d.isNegative() || d.getSeconds() > 65535 || d.getNano() != 0) {
      throw new IllegalArgumentException(
          "persistent keepalive must be whole seconds from 0 to 65535, got " + d);
    }
  }

  /** A removal of the peer with {@code publicKey}. */
  public static PeerConfig removal(PublicKey publicKey) {
    return new PeerConfig(publicKey, true, false, Optional.empty(), Optional.empty(),
        Optional.empty(), false, List.of());
  }

  public static Builder builder(PublicKey publicKey) {
    return new Builder(publicKey);
  }

  /** Builds a {@link PeerConfig}; every setter is optional. */
  public static final class Builder {
    private final PublicKey publicKey;
    private boolean updateOnly;
    private Optional<PresharedKey> presharedKey = Optional.empty();
    private Optional<Endpoint> endpoint = Optional.empty();
    private Optional<Duration> persistentKeepalive = Optional.empty();
    private boolean replaceAllowedIps;
    private final List<IpPrefix> allowedIps = new ArrayList<>();

    private Builder(PublicKey publicKey) {
      this.publicKey = Objects.requireNonNull(publicKey, "publicKey");
    }

    /** Optional: change the peer only if it exists. Default false. */
    public Builder updateOnly(boolean updateOnly) {
      this.updateOnly = updateOnly;
      return this;
    }

    /** Optional: default unchanged. */
    public Builder presharedKey(PresharedKey key) {
      this.presharedKey = Optional.of(key);
      return this;
    }

    /** Optional: default unchanged. */
    public Builder endpoint(Endpoint endpoint) {
      this.endpoint = Optional.of(endpoint);
      return this;
    }

    /** Optional: default unchanged. */
    public Builder endpoint(Optional<Endpoint> endpoint) {
      this.endpoint = Objects.requireNonNull(endpoint, "endpoint");
      return this;
    }

    /** Optional: default unchanged; {@link Duration#ZERO} turns keepalive off. */
    public Builder persistentKeepalive(Duration interval) {
      this.persistentKeepalive = Optional.of(interval);
      return this;
    }

    /** Optional: replace rather than add to the allowed IPs. Default false. */
    public Builder replaceAllowedIps(boolean replace) {
      this.replaceAllowedIps = replace;
      return this;
    }

    /** Optional: allowed IPs to add (or set, with {@link #replaceAllowedIps}). */
    public Builder allowedIp(IpPrefix prefix) {
      allowedIps.add(Objects.requireNonNull(prefix, "prefix"));
      return this;
    }

    /** Optional: allowed IPs to add (or set, with {@link #replaceAllowedIps}). */
    public Builder allowedIps(Collection<IpPrefix> prefixes) {
      prefixes.forEach(this::allowedIp);
      return this;
    }

    public PeerConfig build() {
      return new PeerConfig(publicKey, false, updateOnly, presharedKey, endpoint,
          persistentKeepalive, replaceAllowedIps, allowedIps);
    }
  }
}
