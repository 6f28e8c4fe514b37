package dev.lanes.examples;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Waits for a state other threads will reach, failing after a bound (polling, never a fixed sleep). */
final class Eventually {
  private Eventually() {}

  static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for " + what);
      }
      Thread.sleep(2);
    }
  }
}
