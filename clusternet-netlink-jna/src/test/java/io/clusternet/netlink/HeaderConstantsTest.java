package io.clusternet.netlink;

import static org.assertj.core.api.Assertions.assertThat;

import io.clusternet.netlink.wire.GenlCtrl;
import io.clusternet.netlink.wire.Netlink;
import io.clusternet.netlink.wire.Rtnetlink;
import io.clusternet.netlink.wire.WireGuardGenl;
import io.clusternet.testing.Commands;
import io.clusternet.testing.Prerequisites;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every constant of the header classes, compiled against this machine's {@code
 * /usr/include/linux} headers with gcc and compared. A constant whose name is not a C macro or
 * enum (our own helpers, such as the struct lengths) is checked with {@code sizeof} instead.
 */
class HeaderConstantsTest {
  private static final Map<String, String> SIZEOF = Map.of(
      "NLMSG_HDRLEN", "sizeof(struct nlmsghdr)",
      "NLA_HDRLEN", "sizeof(struct nlattr)",
      "GENL_HDRLEN", "sizeof(struct genlmsghdr)",
      "IFINFOMSG_LEN", "sizeof(struct ifinfomsg)",
      "IFADDRMSG_LEN", "sizeof(struct ifaddrmsg)",
      "RTMSG_LEN", "sizeof(struct rtmsg)",
      "CTRL_VERSION", "2 /* the controller's version, as libnl/iproute2 use */");

  @Test
  void constantsMatchTheKernelHeaders(@TempDir Path tmp) throws Exception {
    Prerequisites.require(Prerequisites.onPath("gcc") && Files.exists(
        Path.of("/usr/include/linux/wireguard.h")),
        "gcc and the kernel headers (apt-get install gcc linux-libc-dev)");
    Map<String, Integer> ours = new LinkedHashMap<>();
    for (Class<?> c : List.of(Netlink.class, Rtnetlink.class, GenlCtrl.class,
        WireGuardGenl.class)) {
      for (Field f : c.getFields()) {
        if (Modifier.isStatic(f.getModifiers()) && f.getType() == int.class) {
          ours.put(f.getName(), f.getInt(null));
        }
      }
    }
    StringBuilder src = new StringBuilder("""
        #include <stdio.h>
        #include <sys/socket.h>
        #include <linux/netlink.h>
        #include <linux/rtnetlink.h>
        #include <linux/if_link.h>
        #include <linux/if_addr.h>
        #include <linux/if.h>
        #include <linux/genetlink.h>
        #include <linux/wireguard.h>
        int main(void) {
        """);
    List<String> names = new ArrayList<>(ours.keySet());
    for (String n : names) {
      String expr = SIZEOF.getOrDefault(n, n);
      if (n.equals("NLA_TYPE_MASK")) expr = "(NLA_TYPE_MASK & 0xffff)";
      src.append("  printf(\"%s=%d\\n\", \"").append(n).append("\", (int)(").append(expr)
          .append("));\n");
    }
    src.append("  return 0;\n}\n");
    Path c = tmp.resolve("consts.c");
    Files.writeString(c, src);
    Commands.run("gcc", "-o", tmp.resolve("consts").toString(), c.toString());
    Map<String, Integer> theirs = new LinkedHashMap<>();
    for (String line : Commands.run(tmp.resolve("consts").toString()).lines().toList()) {
      String[] kv = line.split("=");
      theirs.put(kv[0], Integer.parseInt(kv[1]));
    }
    assertThat(ours).isEqualTo(theirs);
    assertThat(WireGuardGenl.WG_GENL_NAME).isEqualTo("wireguard");
  }
}
