package io.clusternet.api.backend;

import io.clusternet.api.net.IpPrefix;
import java.net.InetAddress;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * A unicast route in a routing table.
 *
 * @param destination where it leads
 * @param link the output interface
 * @param gateway the next hop, if any (none: directly on the link)
 * @param table the routing table (254 = main)
 * @param protocol who owns the route ({@code rtm_protocol}); clusternet tags its own routes so
 *     it can find and remove them
 * @param metric the route priority, if set
 */
public record Route(IpPrefix destination, String link, Optional<InetAddress> gateway, int table,
    int protocol, OptionalInt metric) {
  /** The main routing table. */
  public static final int MAIN_TABLE = 254;

  public Route {
    Objects.requireNonNull(destination, "destination");
    Objects.requireNonNull(link, "link");
    Objects.requireNonNull(gateway, "gateway");
    Objects.requireNonNull(metric, "metric");
    if (table < 1 || table > 0xfffffff) throw new IllegalArgumentException("bad table " + table);
    if (protocol < 0 || protocol > 255) throw new IllegalArgumentException("bad protocol " + protocol);
  }

  /** A route to {@code destination} directly on {@code link} in the main table. */
  public static Route onLink(IpPrefix destination, String link, int protocol) {
    return new Route(destination, link, Optional.empty(), MAIN_TABLE, protocol,
        OptionalInt.empty());
  }
}
