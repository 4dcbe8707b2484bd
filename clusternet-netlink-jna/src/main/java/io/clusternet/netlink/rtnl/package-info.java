/** Internal, not API: rtnetlink message encoding and decoding (links, addresses, routes). */
package io.clusternet.netlink.rtnl;
