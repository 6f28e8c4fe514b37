package dev.lanes;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition that other threads will make true, failing after a bound (never a fixed sleep). */
public final class Eventually {
  private Eventually() {}

  public static void await(String what, BooleanSupplier condition) {
    await(what, condition, () -> "");
  }

  /** As {@link #await(String, BooleanSupplier)}, describing the state seen on a timeout. */
  public static void await(String what, BooleanSupplier condition, Supplier<String> state) {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("timed out waiting for: " + what + " " + state.get());
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(2);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + what);
      }
    }
  }
}
