package io.clusternet.core.backoff;

import io.github.resilience4j.core.IntervalFunction;
import java.time.Duration;
import java.util.Objects;

/**
 * Exponential backoff with jitter and a cap: the delay before retry {@code n} (1-based) is about
 * {@code min * 2^(n-1)}, randomised by ±{@code jitter}, never above {@code max}. Stateful: {@link
 * #next()} moves to the next attempt, {@link #reset()} back to the first after a success. Also
 * answers whether a repeated failure is worth logging ({@link #attempts()} tells how many were
 * folded into one line). Thread-safe.
 */
public final class Backoff {
  private final Duration min;
  private final Duration max;
  private final IntervalFunction intervals;
  private int attempt; // failures since the last success

  private Backoff(Duration min, Duration max, double jitter) {
    this.min = min;
    this.max = max;
    this.intervals = jitter == 0
        ? IntervalFunction.ofExponentialBackoff(min, 2.0, max)
        : IntervalFunction.ofExponentialRandomBackoff(min, 2.0, jitter, max);
  }

  /**
   * @param min the first delay, positive
   * @param max the cap, at least {@code min}
   * @param jitter the randomisation factor, 0 (none) to less than 1
   */
  public static Backoff of(Duration min, Duration max, double jitter) {
    Objects.requireNonNull(min, "min");
    Objects.requireNonNull(max, "max");
    if (min.isNegative() || min.isZero()) throw new IllegalArgumentException("min must be > 0");
    if (max.compareTo(min) < 0) throw new IllegalArgumentException("max must be >= min");
    if (jitter < 0 || jitter >= 1) throw new IllegalArgumentException("jitter must be in [0, 1)");
    return new Backoff(min, max, jitter);
  }

  /** The service's default: 200 ms doubling to 30 s, ±20 %. */
  public static Backoff standard() {
    return of(Duration.ofMillis(200), Duration.ofSeconds(30), 0.2);
  }

  /** Records a failure and returns how long to wait before the next attempt. */
  public synchronized Duration next() {
    attempt++;
    long millis = intervals.apply(attempt);
    return Duration.ofMillis(Math.min(Math.max(millis, 1), max.toMillis()));
  }

  /** A success: the next failure waits {@code min} again. */
  public synchronized void reset() {
    attempt = 0;
  }

  /** Failures since the last success. */
  public synchronized int attempts() {
    return attempt;
  }

  /**
   * Whether the failure just recorded by {@link #next()} should be logged: the first one, then
   * once each time the count reaches a power of two (1, 2, 4, 8, …), so a failure repeated every
   * few seconds for an hour yields about a dozen lines, each saying how many it stands for.
   */
  public synchronized boolean worthLogging() {
    return worthLogging(attempt);
  }

  /**
   * The same rule for a failure counted elsewhere (a retry loop this class does not drive, such
   * as the informer's): whether failure number {@code failures} (1-based, in a row) should be
   * logged, that is whether it is a power of two. False for 0 and negative counts.
   */
  public static boolean worthLogging(long failures) {
    return failures > 0 && (failures & (failures - 1)) == 0;
  }

  public Duration min() {
    return min;
  }

  public Duration max() {
    return max;
  }
}
