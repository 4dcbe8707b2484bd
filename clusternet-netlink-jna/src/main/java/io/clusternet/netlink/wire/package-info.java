/**
 * Internal, not API: a pure-Java netlink codec over little-endian buffers (headers,
 * attributes, nesting, multi-part messages, errors) and the constants of the C headers it
 * speaks, one class per header. No JNA here.
 */
package io.clusternet.netlink.wire;
