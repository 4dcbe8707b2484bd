package io.clusternet.testing;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * A switched underlay network for test nodes: a hub namespace with a bridge, and a veth pair per
 * attached namespace (the hub end on the bridge, the other end inside the node as {@code eth0}).
 * Nothing appears in the caller's namespace. Close it after the nodes' processes have stopped.
 */
public final class Underlay implements AutoCloseable {
  private final NetworkNamespace hub;
  private final List<NetworkNamespace> attached = new ArrayList<>();

  private Underlay(NetworkNamespace hub) {
    this.hub = hub;
  }

  public static Underlay create() throws IOException, InterruptedException {
    NetworkNamespace hub = NetworkNamespace.create("cnt-hub");
    try {
      hub.ip("link", "add", "br0", "type", "bridge");
      hub.ip("link", "set", "br0", "up");
    } catch (IOException | RuntimeException e) {
      hub.close();
      throw e;
    }
    return new Underlay(hub);
  }

  /** Connects {@code node} to the bridge as {@code eth0} with {@code cidr} (such as 192.0.2.1/24). */
  public void attach(NetworkNamespace node, String cidr) throws IOException, InterruptedException {
    String port = "p" + attached.size();
    hub.ip("link", "add", port, "type", "veth", "peer", "name", "eth0", "netns", node.name());
    hub.ip("link", "set", port, "master", "br0", "up");
    node.ip("addr", "add", cidr, "dev", "eth0");
    node.ip("link", "set", "eth0", "up");
    attached.add(node);
  }

  public NetworkNamespace hub() {
    return hub;
  }

  @Override
  public void close() throws IOException, InterruptedException {
    hub.close();
  }
}
