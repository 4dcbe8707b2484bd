/**
 * clusternet's public value types and backend SPI. This module depends on the JDK only.
 *
 * <p>Unless a parameter or return value is documented otherwise, nothing in this module accepts
 * or returns {@code null}; passing {@code null} throws {@link NullPointerException}.
 */
package io.clusternet.api;
