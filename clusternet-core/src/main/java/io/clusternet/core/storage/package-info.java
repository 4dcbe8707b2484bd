/**
 * clusternet's storage tree, declared once:
 *
 * <pre>
 * &lt;root&gt;/
 *   data/                          persistent (0700)
 *     kubernetes/                  (0700)
 *       clusternet/                (0700)
 *         private.key              the node's WireGuard private key, base64 + newline (0600)
 *   ephemeral/                     runtime state, may live on tmpfs (0700)
 *     clusternet/                  (0700)
 *       status.txt                 the last status an agent wrote (0644)
 * </pre>
 */
package io.clusternet.core.storage;
