/** Choosing a WireGuard implementation: kernel when the kernel has WireGuard, else userspace. */
package io.clusternet.core.backend;
