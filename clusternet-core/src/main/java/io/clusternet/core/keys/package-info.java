/**
 * The node's key: X25519 generation and derivation ({@link io.clusternet.core.keys.X25519}, the
 * only class that imports BouncyCastle) and its life cycle on disk ({@link
 * io.clusternet.core.keys.KeyManager}).
 */
package io.clusternet.core.keys;
