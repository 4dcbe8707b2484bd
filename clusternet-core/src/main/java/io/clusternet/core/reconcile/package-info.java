/** Level-based convergence of the device to the desired mesh. */
package io.clusternet.core.reconcile;
