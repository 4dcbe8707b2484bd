/**
 * The WireGuard control model. Observed state ({@link io.clusternet.api.wg.DeviceState}, {@link
 * io.clusternet.api.wg.PeerState}) and requested change ({@link io.clusternet.api.wg.DeviceConfig},
 * {@link io.clusternet.api.wg.PeerConfig}) are different immutable types, as in wgctrl-go's
 * wgtypes. In a requested change, an empty optional means "leave unchanged".
 */
package io.clusternet.api.wg;
