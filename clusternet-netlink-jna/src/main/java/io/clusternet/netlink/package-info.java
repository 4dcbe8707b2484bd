/**
 * The kernel WireGuard backend, over JNA: {@link io.clusternet.netlink.NetlinkWireGuardBackend}
 * (the WireGuard generic netlink family: GET_DEVICE dumps, SET_DEVICE in byte-budgeted chunks) and
 * {@link io.clusternet.netlink.NetlinkLinkBackend} (rtnetlink: links, addresses, routes), both
 * usable in another network namespace ({@code openIn}); found by core through {@link
 * io.clusternet.netlink.NetlinkKernelBackendProvider} and {@code ServiceLoader}. Kernel errors
 * keep their errno and map to a reason through {@code BackendException.Reason.forErrno}. JNA is
 * confined to the {@code jna} sub-package.
 */
package io.clusternet.netlink;
