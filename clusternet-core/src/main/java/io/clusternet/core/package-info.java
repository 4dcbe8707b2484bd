/**
 * clusternet's engine and its host-facing service. The service builder lands with the service
 * issue; today this module provides the node's storage tree ({@code core.storage}) and its key
 * ({@code core.keys}).
 */
package io.clusternet.core;
