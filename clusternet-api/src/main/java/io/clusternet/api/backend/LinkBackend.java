package io.clusternet.api.backend;

import io.clusternet.api.net.InterfaceAddress;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * Network interfaces, addresses and routes: what a kernel WireGuard device needs besides its
 * WireGuard configuration. Implemented over rtnetlink. Thread-safe.
 */
public interface LinkBackend extends AutoCloseable {

  /** What {@link #ensureLink} does when a link of that name exists already. */
  enum ExistingLink {
    /** Keep it if it is of the requested kind (set MTU/group as asked); fail if another kind. */
    ADOPT,
    /** Delete it and create a new one. */
    RECREATE
  }

  /** The link of that name, if there is one. */
  Optional<LinkInfo> link(String name) throws BackendException;

  /** All links, or those of one kind (such as {@code wireguard}), sorted by index. */
  List<LinkInfo> links(Optional<String> kind) throws BackendException;

  /**
   * Creates a link of {@code kind}.
   *
   * @throws BackendException {@link BackendException.Reason#ALREADY_EXISTS} if the name is taken,
   *     {@link BackendException.Reason#NOT_SUPPORTED} if the kernel does not know the kind
   */
  LinkInfo createLink(String name, String kind, OptionalInt mtu, OptionalInt group)
      throws BackendException;

  /**
   * Makes sure a link of {@code kind} named {@code name} exists with the given MTU and group, never
   * failing just because it exists (a restart must not crash-loop on EEXIST).
   */
  LinkInfo ensureLink(String name, String kind, OptionalInt mtu, OptionalInt group,
      ExistingLink existing) throws BackendException;

  void setUp(String name, boolean up) throws BackendException;

  void setMtu(String name, int mtu) throws BackendException;

  /** Deletes a link. @throws BackendException NOT_FOUND if there is none */
  void deleteLink(String name) throws BackendException;

  /** Adds an address; {@link BackendException.Reason#ALREADY_EXISTS} if it is there. */
  void addAddress(String link, InterfaceAddress address) throws BackendException;

  void removeAddress(String link, InterfaceAddress address) throws BackendException;

  List<InterfaceAddress> addresses(String link) throws BackendException;

  /** Adds or replaces a route (same destination, table and metric). */
  void replaceRoute(Route route) throws BackendException;

  void deleteRoute(Route route) throws BackendException;

  /** Routes of one protocol (owner tag) in all tables, such as every route clusternet made. */
  List<Route> routes(int protocol) throws BackendException;

  @Override
  void close();
}
