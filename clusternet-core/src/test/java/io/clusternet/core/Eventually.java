package io.clusternet.core;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls a condition up to a deadline (Monogon's assertStateEventual), never sleeps to prove absence. */
public final class Eventually {
  private Eventually() {}

  public static void await(String what, Duration timeout, BooleanSupplier condition)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) throw new AssertionError("timed out waiting for " + what);
      Thread.sleep(20);
    }
  }
}
