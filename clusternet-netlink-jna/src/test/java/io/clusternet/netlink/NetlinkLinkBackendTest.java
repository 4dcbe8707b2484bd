package io.clusternet.netlink;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.clusternet.api.backend.BackendException;
import io.clusternet.api.backend.BackendException.Reason;
import io.clusternet.api.backend.LinkBackend.ExistingLink;
import io.clusternet.api.backend.LinkInfo;
import io.clusternet.api.backend.Route;
import io.clusternet.api.net.InterfaceAddress;
import io.clusternet.api.net.IpPrefix;
import io.clusternet.testing.NetworkNamespace;
import io.clusternet.testing.Prerequisites;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** rtnetlink against this machine's real kernel, in a fresh network namespace per test. */
class NetlinkLinkBackendTest {
  static final int PROTO = 129;
  NetworkNamespace ns;
  NetlinkLinkBackend links;

  @BeforeEach
  void freshNamespace() throws Exception {
    Prerequisites.requireRoot("creating network namespaces");
    ns = NetworkNamespace.create("cnt-rtnl");
    links = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()));
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (links != null) links.close();
    if (ns != null) ns.close();
  }

  @Test
  void createsConfiguresAndDeletesALink() throws Exception {
    LinkInfo br = links.createLink("cbr0", "bridge", OptionalInt.of(1400), OptionalInt.of(7));
    assertThat(br.name()).isEqualTo("cbr0");
    assertThat(br.kind()).contains("bridge");
    assertThat(br.mtu()).isEqualTo(1400);
    assertThat(br.group()).isEqualTo(7);
    assertThat(br.up()).isFalse();
    assertThat(ns.ip("-d", "link", "show", "cbr0")).contains("mtu 1400").contains("bridge");

    links.setUp("cbr0", true);
    assertThat(links.link("cbr0").orElseThrow().up()).isTrue();
    assertThat(ns.ip("link", "show", "cbr0")).contains("UP");
    links.setMtu("cbr0", 1280);
    assertThat(links.link("cbr0").orElseThrow().mtu()).isEqualTo(1280);
    links.setUp("cbr0", false);
    assertThat(links.link("cbr0").orElseThrow().up()).isFalse();

    assertThat(links.links(Optional.of("bridge"))).extracting(LinkInfo::name)
        .containsExactly("cbr0");
    assertThat(links.links(Optional.empty())).extracting(LinkInfo::name).contains("lo", "cbr0");

    links.deleteLink("cbr0");
    assertThat(links.link("cbr0")).isEmpty();
    assertThat(ns.ip("link", "show")).doesNotContain("cbr0");
  }

  @Test
  void typedErrorsForExistingAndMissingLinks() throws Exception {
    links.createLink("cbr0", "bridge", OptionalInt.empty(), OptionalInt.empty());
    assertThatThrownBy(() -> links.createLink("cbr0", "bridge", OptionalInt.empty(),
            OptionalInt.empty()))
        .isInstanceOfSatisfying(BackendException.class, e -> {
          assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS);
          assertThat(e.errno()).hasValue(17);
        });
    assertThatThrownBy(() -> links.deleteLink("nothere"))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    assertThatThrownBy(() -> links.setUp("nothere", true))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));
    assertThatThrownBy(() -> links.createLink("bad0", "no-such-kind", OptionalInt.empty(),
            OptionalInt.empty()))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_SUPPORTED));
  }

  @Test
  void ensureLinkAdoptsOrRecreatesAndNeverCrashLoopsOnEexist() throws Exception {
    LinkInfo first = links.ensureLink("cbr0", "bridge", OptionalInt.of(1400), OptionalInt.empty(),
        ExistingLink.ADOPT);
    LinkInfo adopted = links.ensureLink("cbr0", "bridge", OptionalInt.of(1300),
        OptionalInt.empty(), ExistingLink.ADOPT);
    assertThat(adopted.index()).isEqualTo(first.index());
    assertThat(adopted.mtu()).isEqualTo(1300);
    LinkInfo recreated = links.ensureLink("cbr0", "bridge", OptionalInt.empty(),
        OptionalInt.empty(), ExistingLink.RECREATE);
    assertThat(recreated.index()).isNotEqualTo(first.index());
    // A link of another kind with the name is not silently adopted.
    ns.ip("link", "add", "cv0", "type", "veth", "peer", "name", "cv1");
    assertThatThrownBy(() -> links.ensureLink("cv0", "bridge", OptionalInt.empty(),
            OptionalInt.empty(), ExistingLink.ADOPT))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS));
  }

  @Test
  void addressesAndOwnedRoutes() throws Exception {
    links.createLink("cbr0", "bridge", OptionalInt.empty(), OptionalInt.empty());
    links.setUp("cbr0", true);
    InterfaceAddress v4 = InterfaceAddress.parse("10.77.0.1/24");
    InterfaceAddress v6 = InterfaceAddress.parse("fd00:77::1/64");
    links.addAddress("cbr0", v4);
    links.addAddress("cbr0", v6);
    assertThat(links.addresses("cbr0")).contains(v4, v6);
    assertThat(ns.ip("addr", "show", "cbr0")).contains("10.77.0.1/24").contains("fd00:77::1/64");
    assertThatThrownBy(() -> links.addAddress("cbr0", v4))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.ALREADY_EXISTS));

    Route cluster = Route.onLink(IpPrefix.parse("10.244.0.0/16"), "cbr0", PROTO);
    Route cluster6 = Route.onLink(IpPrefix.parse("fd00:244::/48"), "cbr0", PROTO);
    links.replaceRoute(cluster);
    links.replaceRoute(cluster); // replace is idempotent
    links.replaceRoute(cluster6);
    assertThat(links.routes(PROTO)).extracting(Route::destination)
        .containsExactly(cluster.destination(), cluster6.destination());
    assertThat(ns.ip("route", "show", "proto", String.valueOf(PROTO)))
        .contains("10.244.0.0/16 dev cbr0");
    assertThat(links.routes(4)).isEmpty(); // only routes of the asked protocol are listed

    links.deleteRoute(cluster);
    assertThat(links.routes(PROTO)).extracting(Route::destination)
        .containsExactly(cluster6.destination());
    assertThatThrownBy(() -> links.deleteRoute(cluster))
        .isInstanceOfSatisfying(BackendException.class,
            e -> assertThat(e.reason()).isEqualTo(Reason.NOT_FOUND));

    links.removeAddress("cbr0", v4);
    assertThat(links.addresses("cbr0")).doesNotContain(v4);
  }

  @Test
  void closedSocketsDoNotLeakFileDescriptors() throws Exception {
    links.close();
    long before = openFds();
    for (int i = 0; i < 200; i++) {
      NetlinkLinkBackend b = NetlinkLinkBackend.open();
      b.links(Optional.empty());
      b.close();
      b.close(); // idempotent
    }
    assertThat(openFds()).isLessThanOrEqualTo(before + 2);
    links = NetlinkLinkBackend.openIn(Path.of("/var/run/netns", ns.name()));
  }

  static long openFds() throws Exception {
    try (Stream<Path> s = Files.list(Path.of("/proc/self/fd"))) {
      return s.count();
    }
  }
}
