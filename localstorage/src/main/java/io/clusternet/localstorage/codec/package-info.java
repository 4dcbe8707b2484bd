/** Stock {@link io.clusternet.localstorage.Codec}s. */
package io.clusternet.localstorage.codec;
