/**
 * Kubernetes: the only package that imports {@code io.kubernetes.client}. A node informer
 * ({@link io.clusternet.core.k8s.InformerNodeSource}) and the publication of our public key on our
 * own Node ({@link io.clusternet.core.k8s.NodeAnnotator}). The {@code ApiClient} always comes from
 * the host; nothing here uses the client's global default.
 */
package io.clusternet.core.k8s;
