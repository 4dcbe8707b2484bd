package io.clusternet.core;

import io.clusternet.api.crypto.PublicKey;
import io.clusternet.api.net.AddressFormatException;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.api.wg.PeerState;
import io.clusternet.core.userspace.UapiWireGuardBackend;
import io.clusternet.core.userspace.WireGuardGoProcess;
import io.clusternet.netlink.NetlinkLinkBackend;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import io.clusternet.testing.Underlay;
import io.kubernetes.client.openapi.ApiClient;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Nodes for real, shared by the mesh tests: network namespace {@code i} sits on one bridge with
 * underlay address {@code 192.0.2.(i+1)/24} on its {@code eth0} and an rtnetlink backend opened
 * inside; {@link #builder} gives each the usual userspace service (its own wireguard-go, pod
 * address {@code 10.244.i.1/32}, cluster CIDR {@code 10.244.0.0/16}, resync 1 s), which the test
 * adapts and {@link #start}s. {@link #close} stops every service, then removes links, namespaces
 * and the bridge (each by what it created, never by name).
 */
public final class NamespaceNodes implements AutoCloseable {
  /** How long a test waits for convergence. */
  public static final Duration WAIT = Duration.ofSeconds(30);

  private final String prefix;
  private final String tag = HexFormat.of().formatHex(new SecureRandom().generateSeed(2));
  private final Underlay underlay;
  private final List<NetworkNamespace> ns = new ArrayList<>();
  private final List<NetlinkLinkBackend> links = new ArrayList<>();
  private final List<ClusterNet> nets = new ArrayList<>();
  private final UapiWireGuardBackend uapi = UapiWireGuardBackend.create();

  private NamespaceNodes(String prefix, Underlay underlay) {
    this.prefix = prefix;
    this.underlay = underlay;
  }

  /**
   * {@code count} namespaces on a new bridge. Skips (or in CI fails) without root or
   * wireguard-go.
   *
   * @param prefix two letters that tell this test's namespaces and interfaces apart
   */
  public static NamespaceNodes create(String prefix, int count) throws Exception {
    Prerequisites.requireRoot("network namespaces, wireguard-go, rtnetlink");
    Prerequisites.require(Prerequisites.onPath("wireguard-go"), "wireguard-go");
    NamespaceNodes nodes = new NamespaceNodes(prefix, Underlay.create());
    try {
      for (int i = 0; i < count; i++) {
        NetworkNamespace n = NetworkNamespace.create("c" + prefix + "-n" + i);
        nodes.ns.add(n);
        nodes.underlay.attach(n, address(i) + "/24");
        nodes.links.add(NetlinkLinkBackend.openIn(Path.of("/var/run/netns", n.name())));
      }
    } catch (Exception | Error e) {
      nodes.close();
      throw e;
    }
    return nodes;
  }

  /** Node {@code i}'s underlay (Internal) IP. */
  public static String address(int i) {
    return "192.0.2." + (i + 1);
  }

  /** Node {@code i}'s pod CIDR. */
  public static String podCidr(int i) {
    return "10.244." + i + ".0/24";
  }

  /** Node {@code i}'s WireGuard interface name (unique per fixture). */
  public String iface(int i) {
    return prefix + tag + "n" + i;
  }

  /** The rtnetlink backend opened in node {@code i}'s namespace. */
  public NetlinkLinkBackend links(int i) {
    return links.get(i);
  }

  public NetworkNamespace ns(int i) {
    return ns.get(i);
  }

  /** The services started so far, in start order. */
  public ClusterNet net(int i) {
    return nets.get(i);
  }

  public List<ClusterNet> nets() {
    return List.copyOf(nets);
  }

  /** The usual service for node {@code i}, to adapt and {@link #start}. */
  public ClusterNet.Builder builder(int i, String nodeName, ApiClient client, Path storage)
      throws AddressFormatException {
    return ClusterNet.builder()
        .nodeName(nodeName)
        .kubernetes(client)
        .storageRoot(storage)
        .interfaceName(iface(i))
        .userspace(WireGuardGoProcess.builder(iface(i)).networkNamespace(ns.get(i).name()))
        .linkBackend(links.get(i))
        .interfaceAddress(InterfaceAddress.parse("10.244." + i + ".1/32"))
        .clusterCidr(IpPrefix.parse("10.244.0.0/16"))
        .resyncPeriod(Duration.ofSeconds(1));
  }

  /** Builds and starts the service (without waiting); {@link #close} stops it. */
  public ClusterNet start(ClusterNet.Builder builder) {
    ClusterNet net = builder.build();
    nets.add(net);
    net.startAsync();
    return net;
  }

  public void awaitRunning() {
    for (ClusterNet net : nets) net.awaitRunning();
  }

  /** The node names of node {@code i}'s peers as its status shows them ("stray" for none). */
  public Set<String> peerNodes(int i) {
    return nets.get(i).status().peers().stream().map(p -> p.nodeName().orElse("stray"))
        .collect(Collectors.toSet());
  }

  /** The public keys of the peers on node {@code i}'s device, read over UAPI. */
  public Set<PublicKey> peerKeys(int i) throws Exception {
    return uapi.device(iface(i)).orElseThrow().peers().stream().map(PeerState::publicKey)
        .collect(Collectors.toSet());
  }

  /** The device backend the tests read with. */
  public UapiWireGuardBackend uapi() {
    return uapi;
  }

  /** Whether node {@code from} reaches node {@code to}'s pod address through the tunnel. */
  public boolean ping(int from, int to) throws Exception {
    return ns.get(from).reaches("10.244." + to + ".1", 5);
  }

  /** Stops every service started so far (a failed one was cleaned up by its start). */
  public void stopServices() {
    for (ClusterNet n : nets) {
      try {
        n.stopAsync().awaitTerminated();
      } catch (IllegalStateException failedBefore) {
        // already failed; its start cleaned up after itself
      }
    }
    nets.clear();
  }

  @Override
  public void close() throws Exception {
    stopServices();
    for (NetlinkLinkBackend l : links) l.close();
    for (NetworkNamespace n : ns) n.close();
    underlay.close();
  }
}
