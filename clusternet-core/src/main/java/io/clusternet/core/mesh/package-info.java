/**
 * From nodes to peers, without Kubernetes types: {@link io.clusternet.core.mesh.NodeInfo} is what
 * clusternet reads from a Node, and {@link io.clusternet.core.mesh.MeshMapper} turns all nodes into
 * the desired peers plus the nodes excluded with a reason. Pure: no I/O.
 */
package io.clusternet.core.mesh;
