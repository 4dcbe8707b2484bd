/**
 * The userspace WireGuard backend: wireguard-go (or any implementation of the cross-platform
 * UAPI) driven over its UNIX socket, in pure JDK code. {@link
 * io.clusternet.core.userspace.UapiWireGuardBackend} implements the SPI; {@link
 * io.clusternet.core.userspace.WireGuardGoProcess} starts and stops wireguard-go for tests,
 * demos and hosts that choose userspace mode.
 */
package io.clusternet.core.userspace;
