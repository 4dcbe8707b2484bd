/**
 * WireGuard key values: {@link io.clusternet.api.crypto.PublicKey} and
 * {@link io.clusternet.api.crypto.PrivateKey}, each exactly 32 bytes, with base64 (44 characters)
 * and hex (64 characters) encodings. Key generation and derivation live in
 * {@code io.clusternet.core.keys}, so this package needs no cryptography library.
 */
package io.clusternet.api.crypto;
