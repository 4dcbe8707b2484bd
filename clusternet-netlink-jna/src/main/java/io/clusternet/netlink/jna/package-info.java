/**
 * Internal, not API: the only package that imports {@code com.sun.jna}. Direct-mapped libc
 * calls, the {@code sockaddr_nl} structure, and {@link io.clusternet.netlink.jna.JnaNetlinkSocket}.
 */
package io.clusternet.netlink.jna;
