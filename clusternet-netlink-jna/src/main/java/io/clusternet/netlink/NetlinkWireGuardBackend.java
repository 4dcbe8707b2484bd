package io.clusternet.netlink;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.Errno;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.WireGuardBackend;
import io.clusternet.api.wg.DeviceConfig;
import io.clusternet.api.wg.DeviceState;
import io.clusternet.netlink.genl.FamilyCodec;
import io.clusternet.netlink.genl.WgDeviceCodec;
import io.clusternet.netlink.jna.JnaNetlinkSocket;
import io.clusternet.netlink.wire.MessageBuilder;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.NetlinkDecodeException;
import io.clusternet.netlink.wire.NetlinkMessage;
import io.clusternet.netlink.wire.WireGuardGenl;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * {@link WireGuardBackend} for the kernel's WireGuard module over generic netlink. Device names
 * come from rtnetlink (links of kind {@code wireguard}). Thread-safe (requests are serialised).
 *
 * <p>If the kernel has no {@code wireguard} family (the module is absent), {@link #open()} fails
 * with {@link Reason#NOT_SUPPORTED}, so a host can fall back to userspace WireGuard.
 */
public final class NetlinkWireGuardBackend implements WireGuardBackend {
  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final int DUMP_RETRIES = 5;

  private final NetlinkConnection genl;
  private final NetlinkLinkBackend links;
  private final int familyId;
  private final int budget;

  NetlinkWireGuardBackend(NetlinkSocket genlSocket, NetlinkLinkBackend links, int budget)
      throws BackendException {
    if (budget < 512 || budget > WgDeviceCodec.MAX_BUDGET) {
      throw new IllegalArgumentException("budget must be 512-" + WgDeviceCodec.MAX_BUDGET
          + " bytes: " + budget);
    }
    this.genl = new NetlinkConnection(genlSocket);
    this.links = links;
    this.budget = budget;
    try {
      this.familyId = resolveFamily(genl);
    } catch (BackendException e) {
      genl.close();
      throw e;
    }
  }

  /** The backend for this process's network namespace. */
  public static NetlinkWireGuardBackend open() throws BackendException {
    NetlinkLinkBackend links = NetlinkLinkBackend.open();
    try {
      return new NetlinkWireGuardBackend(
          JnaNetlinkSocket.open(Netlink.NETLINK_GENERIC, TIMEOUT), links,
          WgDeviceCodec.DEFAULT_BUDGET);
    } catch (IOException e) {
      links.close();
      throw NetlinkConnection.failure("opening generic netlink", e);
    } catch (BackendException | RuntimeException e) {
      links.close();
      throw e;
    }
  }

  /** The backend for the network namespace at {@code namespacePath}. */
  public static NetlinkWireGuardBackend openIn(Path namespacePath) throws BackendException {
    NetlinkLinkBackend links = NetlinkLinkBackend.openIn(namespacePath);
    try {
      return new NetlinkWireGuardBackend(
          JnaNetlinkSocket.openIn(namespacePath, Netlink.NETLINK_GENERIC, TIMEOUT), links,
          WgDeviceCodec.DEFAULT_BUDGET);
    } catch (IOException e) {
      links.close();
      throw NetlinkConnection.failure("opening generic netlink in " + namespacePath, e);
    } catch (BackendException | RuntimeException e) {
      links.close();
      throw e;
    }
  }

  /** Whether this kernel has the WireGuard generic netlink family. */
  public static boolean isSupported() {
    try (NetlinkWireGuardBackend b = open()) {
      return true;
    } catch (BackendException e) {
      return false;
    }
  }

  private static int resolveFamily(NetlinkConnection genl) throws BackendException {
    String operation = "resolving the wireguard generic netlink family";
    try {
      OptionalInt id = FamilyCodec.familyId(
          genl.execute(FamilyCodec.getFamily(WireGuardGenl.WG_GENL_NAME), operation));
      if (id.isEmpty()) {
        throw new BackendException(Reason.PROTOCOL_ERROR, operation, 0,
            operation + ": the reply has no family id", null);
      }
      return id.getAsInt();
    } catch (BackendException e) {
      if (e.reason() == Reason.NOT_FOUND) {
        throw new BackendException(Reason.NOT_SUPPORTED, operation,
            e.errno().orElse(0),
            operation + ": the kernel has no WireGuard module (no \"wireguard\" family); "
                + "use the userspace backend", e);
      }
      throw e;
    } catch (NetlinkDecodeException e) {
      throw NetlinkConnection.protocol(operation, e);
    }
  }

  /**
   * WireGuard's errno meanings, in one place: ENODEV is no such device, and EOPNOTSUPP on a
   * device operation means the link is not a WireGuard device (as wgctrl-go maps both to
   * not-exist).
   */
  private static BackendException deviceFailure(BackendException e) {
    int errno = e.errno().orElse(0);
    if (Errno.ENODEV.is(errno) || Errno.EOPNOTSUPP.is(errno)) {
      return new BackendException(Reason.NOT_FOUND, e.operation(), errno,
          e.operation() + ": no such WireGuard device"
              + (Errno.EOPNOTSUPP.is(errno) ? " (the link is not a WireGuard device)" : ""), e);
    }
    return e;
  }

  @Override
  public List<String> deviceNames() throws BackendException {
    List<String> names = new ArrayList<>();
    for (LinkInfo l : links.links(Optional.of("wireguard"))) names.add(l.name());
    names.sort(null);
    return names;
  }

  @Override
  public synchronized Optional<DeviceState> device(String name) throws BackendException {
    String operation = "getting " + name;
    for (int attempt = 1; ; attempt++) {
      try {
        List<NetlinkMessage> dump = genl.dump(WgDeviceCodec.getDevice(familyId, name), operation);
        return Optional.of(WgDeviceCodec.parseDevice(name, dump));
      } catch (NetlinkConnection.DumpInterruptedException e) {
        if (attempt == DUMP_RETRIES) {
          throw new BackendException(Reason.IO_ERROR, operation, 0, operation
              + ": the device changed during " + DUMP_RETRIES + " dumps in a row", null);
        }
      } catch (BackendException e) {
        BackendException mapped = deviceFailure(e);
        if (mapped.reason() == Reason.NOT_FOUND) return Optional.empty();
        throw mapped;
      } catch (NetlinkDecodeException e) {
        throw NetlinkConnection.protocol(operation, e);
      }
    }
  }

  @Override
  public synchronized void configure(String name, DeviceConfig config) throws BackendException {
    String operation = "configuring " + name;
    List<MessageBuilder> messages = WgDeviceCodec.setDevice(familyId, name, config, budget);
    for (int i = 0; i < messages.size(); i++) {
      try {
        genl.execute(messages.get(i), operation + (messages.size() > 1
            ? " (message " + (i + 1) + " of " + messages.size() + ")" : ""));
      } catch (BackendException e) {
        throw deviceFailure(e);
      }
    }
  }

  /** The number of SET_DEVICE messages {@link #configure} would send for {@code config}. */
  public int messageCount(String name, DeviceConfig config) {
    return WgDeviceCodec.setDevice(familyId, name, config, budget).size();
  }

  @Override
  public synchronized void close() {
    genl.close();
    links.close();
  }
}
