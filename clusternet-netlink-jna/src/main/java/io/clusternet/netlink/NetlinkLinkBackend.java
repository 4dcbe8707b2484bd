package io.clusternet.netlink;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.backend.LinkBackend;
import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.Route;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.netlink.jna.JnaNetlinkSocket;
import io.clusternet.netlink.rtnl.RtnlCodec;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import io.clusternet.netlink.wire.Rtnetlink;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/** {@link LinkBackend} over rtnetlink. Thread-safe (requests are serialised). */
public final class NetlinkLinkBackend implements LinkBackend {
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int DUMP_RETRIES = 5;

  private final NetlinkConnection conn;

  NetlinkLinkBackend(NetlinkSocket socket) {
    this.conn = new NetlinkConnection(socket);
  }

  /** A backend for this process's network namespace. */
  public static NetlinkLinkBackend open() throws BackendException {
    try {
      return new NetlinkLinkBackend(JnaNetlinkSocket.open(Netlink.NETLINK_ROUTE, TIMEOUT));
    } catch (IOException e) {
      throw NetlinkConnection.failure("opening rtnetlink", e);
    }
  }

  /** A backend for the network namespace at {@code namespacePath} (such as /var/run/netns/x). */
  public static NetlinkLinkBackend openIn(Path namespacePath) throws BackendException {
    try {
      return new NetlinkLinkBackend(
          JnaNetlinkSocket.openIn(namespacePath, Netlink.NETLINK_ROUTE, TIMEOUT));
    } catch (IOException e) {
      throw NetlinkConnection.failure("opening rtnetlink in " + namespacePath, e);
    }
  }

  private static void checkName(String name) {
    Objects.requireNonNull(name, "name");
    if (name.isEmpty() || name.length() > 15 || name.indexOf('/') >= 0
        || name.chars().anyMatch(Character::isWhitespace)) {
      throw new IllegalArgumentException("invalid interface name: \"" + name + "\"");
    }
  }

  @Override
  public synchronized Optional<LinkInfo> link(String name) throws BackendException {
    checkName(name);
    try {
      List<NetlinkMessage> reply = conn.execute(RtnlCodec.getLink(name), "getting link " + name);
      for (NetlinkMessage m : reply) {
        if (m.type() == Rtnetlink.RTM_NEWLINK) return Optional.of(RtnlCodec.parseLink(m));
      }
      return Optional.empty();
    } catch (BackendException e) {
      if (e.reason() == Reason.NOT_FOUND) return Optional.empty();
      throw e;
    } catch (NetlinkDecodeException e) {
      throw NetlinkConnection.protocol("getting link " + name, e);
    }
  }

  private LinkInfo require(String name, String operation) throws BackendException {
    return link(name).orElseThrow(() -> new BackendException(Reason.NOT_FOUND, operation, 0,
        operation + ": no such link", null));
  }

  private List<NetlinkMessage> dump(MessageBuilder request, String operation)
      throws BackendException {
    for (int attempt = 1; ; attempt++) {
      try {
        return conn.dump(request, operation);
      } catch (NetlinkConnection.DumpInterruptedException e) {
        if (attempt == DUMP_RETRIES) {
          throw new BackendException(Reason.IO_ERROR, operation, 0,
              operation + ": the dump was interrupted " + DUMP_RETRIES + " times", null);
        }
      }
    }
  }

  @Override
  public synchronized List<LinkInfo> links(Optional<String> kind) throws BackendException {
    List<LinkInfo> out = new ArrayList<>();
    try {
      for (NetlinkMessage m : dump(RtnlCodec.dumpLinks(), "listing links")) {
        if (m.type() != Rtnetlink.RTM_NEWLINK) continue;
        LinkInfo l = RtnlCodec.parseLink(m);
        if (kind.isEmpty() || kind.equals(l.kind())) out.add(l);
      }
    } catch (NetlinkDecodeException e) {
      throw NetlinkConnection.protocol("listing links", e);
    }
    out.sort(Comparator.comparingInt(LinkInfo::index));
    return out;
  }

  @Override
  public synchronized LinkInfo createLink(String name, String kind, OptionalInt mtu,
      OptionalInt group) throws BackendException {
    checkName(name);
    String operation = "creating " + kind + " link " + name;
    conn.execute(RtnlCodec.newLink(name, kind, mtu, group), operation);
    return require(name, operation);
  }

  @Override
  public synchronized LinkInfo ensureLink(String name, String kind, OptionalInt mtu,
      OptionalInt group, ExistingLink existing) throws BackendException {
    checkName(name);
    Optional<LinkInfo> current = link(name);
    if (current.isPresent()) {
      LinkInfo l = current.get();
      boolean sameKind = l.kind().equals(Optional.of(kind));
      if (existing == ExistingLink.ADOPT && sameKind) {
        OptionalInt newMtu = mtu.isPresent() && mtu.getAsInt() != l.mtu() ? mtu
            : OptionalInt.empty();
        OptionalInt newGroup = group.isPresent() && group.getAsInt() != l.group() ? group
            : OptionalInt.empty();
        if (newMtu.isPresent() || newGroup.isPresent()) {
          conn.execute(RtnlCodec.changeLink(l.index(), OptionalInt.empty(), newMtu, newGroup),
              "updating link " + name);
          return require(name, "updating link " + name);
        }
        return l;
      }
      if (existing == ExistingLink.ADOPT) {
        throw new BackendException(Reason.ALREADY_EXISTS, "creating " + kind + " link " + name,
            0, "creating " + kind + " link " + name + ": a link of kind "
                + l.kind().orElse("(none)") + " has that name", null);
      }
      conn.execute(RtnlCodec.deleteLink(l.index()), "deleting link " + name);
    }
    return createLink(name, kind, mtu, group);
  }

  @Override
  public synchronized void setUp(String name, boolean up) throws BackendException {
    String operation = "setting link " + name + (up ? " up" : " down");
    LinkInfo l = require(name, operation);
    conn.execute(RtnlCodec.changeLink(l.index(), OptionalInt.of(up ? 1 : 0), OptionalInt.empty(),
        OptionalInt.empty()), operation);
  }

  @Override
  public synchronized void setMtu(String name, int mtu) throws BackendException {
    String operation = "setting the MTU of " + name;
    LinkInfo l = require(name, operation);
    conn.execute(RtnlCodec.changeLink(l.index(), OptionalInt.empty(), OptionalInt.of(mtu),
        OptionalInt.empty()), operation);
  }

  @Override
  public synchronized void deleteLink(String name) throws BackendException {
    String operation = "deleting link " + name;
    LinkInfo l = require(name, operation);
    conn.execute(RtnlCodec.deleteLink(l.index()), operation);
  }

  @Override
  public synchronized void addAddress(String link, InterfaceAddress address)
      throws BackendException {
    String operation = "adding " + address + " to " + link;
    LinkInfo l = require(link, operation);
    conn.execute(RtnlCodec.address(Rtnetlink.RTM_NEWADDR, Netlink.NLM_F_REQUEST
        | Netlink.NLM_F_ACK | Netlink.NLM_F_CREATE | Netlink.NLM_F_EXCL, l.index(), address),
        operation);
  }

  @Override
  public synchronized void removeAddress(String link, InterfaceAddress address)
      throws BackendException {
    String operation = "removing " + address + " from " + link;
    LinkInfo l = require(link, operation);
    conn.execute(RtnlCodec.address(Rtnetlink.RTM_DELADDR,
        Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK, l.index(), address), operation);
  }

  @Override
  public synchronized List<InterfaceAddress> addresses(String link) throws BackendException {
    String operation = "listing addresses of " + link;
    LinkInfo l = require(link, operation);
    List<InterfaceAddress> out = new ArrayList<>();
    try {
      for (NetlinkMessage m : dump(RtnlCodec.dumpAddresses(), operation)) {
        if (m.type() != Rtnetlink.RTM_NEWADDR) continue;
        Optional<RtnlCodec.ParsedAddress> a = RtnlCodec.parseAddress(m);
        if (a.isPresent() && a.get().index() == l.index()) out.add(a.get().address());
      }
    } catch (NetlinkDecodeException e) {
      throw NetlinkConnection.protocol(operation, e);
    }
    out.sort(null);
    return out;
  }

  @Override
  public synchronized void replaceRoute(Route route) throws BackendException {
    String operation = "replacing route " + route.destination() + " via " + route.link();
    LinkInfo l = require(route.link(), operation);
    conn.execute(RtnlCodec.route(Rtnetlink.RTM_NEWROUTE, Netlink.NLM_F_REQUEST | Netlink.NLM_F_ACK
        | Netlink.NLM_F_CREATE | Netlink.NLM_F_REPLACE, route, l.index()), operation);
  }

  @Override
  public synchronized void deleteRoute(Route route) throws BackendException {
    String operation = "deleting route " + route.destination() + " via " + route.link();
    LinkInfo l = require(route.link(), operation);
    conn.execute(RtnlCodec.route(Rtnetlink.RTM_DELROUTE, Netlink.NLM_F_REQUEST
        | Netlink.NLM_F_ACK, route, l.index()), operation);
  }

  @Override
  public synchronized List<Route> routes(int protocol) throws BackendException {
    String operation = "listing routes";
    Map<Integer, String> names = new HashMap<>();
    for (LinkInfo l : links(Optional.empty())) names.put(l.index(), l.name());
    List<Route> out = new ArrayList<>();
    try {
      for (NetlinkMessage m : dump(RtnlCodec.dumpRoutes(), operation)) {
        if (m.type() != Rtnetlink.RTM_NEWROUTE) continue;
        RtnlCodec.ParsedRoute r = RtnlCodec.parseRoute(m);
        if (r.protocol() != protocol || r.type() != Rtnetlink.RTN_UNICAST) continue;
        String link = names.get(r.linkIndex());
        if (link == null) continue;
        out.add(new Route(r.destination(), link, r.gateway(), r.table(), r.protocol(),
            r.metric()));
      }
    } catch (NetlinkDecodeException e) {
      throw NetlinkConnection.protocol(operation, e);
    }
    out.sort(Comparator.comparing(Route::destination));
    return out;
  }

  @Override
  public synchronized void close() {
    conn.close();
  }
}
