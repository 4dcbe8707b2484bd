/**
 * From nodes to peers, without Kubernetes types: {@link io.clusternet.core.mesh.NodeInfo} is what
 * clusternet reads from a Node, and {@link io.clusternet.core.mesh.MeshMapper} turns all nodes into
 * the desired peers plus the nodes excluded with a reason. {@link
 * io.clusternet.core.mesh.MeshState} keeps that result up to date one change at a time (fed by a
 * {@link io.clusternet.core.mesh.NodeTable}'s journal), with the same rules. Pure: no I/O.
 */
package io.clusternet.core.mesh;
