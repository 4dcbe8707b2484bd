/**
 * The one retry policy every part of the service uses (key publication, reconciliation, device
 * restore): exponential backoff with jitter and a cap, from resilience4j's {@code
 * IntervalFunction}, the only package that imports resilience4j.
 */
package io.clusternet.core.backoff;
