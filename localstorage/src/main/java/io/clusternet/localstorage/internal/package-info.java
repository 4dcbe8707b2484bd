/** Internal, not API: file-system mechanics behind {@code NioStorage}. May change at any time. */
package io.clusternet.localstorage.internal;
