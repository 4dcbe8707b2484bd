/**
 * clusternet's host-facing entry point: {@link io.clusternet.core.ClusterNet}, built with {@link
 * io.clusternet.core.ClusterNet#builder()}, and its {@link io.clusternet.core.ClusterNetStatus}.
 */
package io.clusternet.core;
