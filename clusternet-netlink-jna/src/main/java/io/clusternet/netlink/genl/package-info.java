/**
 * Internal, not API: generic netlink family resolution and the WireGuard family's messages
 * (GET_DEVICE dumps merged by public key, SET_DEVICE packed by a byte budget).
 */
package io.clusternet.netlink.genl;
