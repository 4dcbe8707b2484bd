package io.clusternet.api.backend;

import java.util.Objects;
import java.util.Optional;

/**
 * A network interface as the kernel reports it.
 *
 * @param index the interface index
 * @param name the interface name
 * @param kind the link kind ({@code wireguard}, {@code veth}, {@code bridge}, …), if it has one
 * @param mtu the MTU
 * @param up whether the administrative state is up ({@code IFF_UP})
 * @param group the interface group
 */
public record LinkInfo(int index, String name, Optional<String> kind, int mtu, boolean up,
    int group) {
  public LinkInfo {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(kind, "kind");
  }
}
