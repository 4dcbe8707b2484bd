/**
 * Address values: {@link io.clusternet.api.net.IpPrefix} (always canonical) and {@link
 * io.clusternet.api.net.Endpoint} (an IP literal and a port). Parsing never performs a DNS
 * lookup; it uses Guava's {@code InetAddresses}, confined to the package-private {@code
 * Literals} class, so no Guava type appears in a signature.
 */
package io.clusternet.api.net;
