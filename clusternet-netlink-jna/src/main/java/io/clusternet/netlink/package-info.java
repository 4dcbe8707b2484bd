/**
 * The kernel WireGuard backend: rtnetlink (links, addresses, routes) and the WireGuard generic
 * netlink family, over JNA. Not implemented yet: the backend lands with the netlink issue; today
 * this module only fixes the build's shape and its dependency rules (JNA is allowed here only).
 */
package io.clusternet.netlink;
