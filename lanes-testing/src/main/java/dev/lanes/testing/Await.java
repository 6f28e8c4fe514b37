package dev.lanes.testing;

import java.time.Duration;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits for a state that other threads will reach (a lane drained, a file deleted), polling
 * until a timeout and then failing with what was awaited. For the state of the world, not for
 * ordering steps of a test: those take latches.
 *
 * <pre>{@code
 * Await.until(() -> server.inFlight() == 0, "no request in flight");
 * LaneStatistics s = Await.value(lane::statistics, st -> st.waiting() == 3, "3 queued");
 * }</pre>
 */
public final class Await {
  /** The timeout of the forms that take none: long, since it is only reached when a test fails. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final long MAX_POLL_NANOS = Duration.ofMillis(10).toNanos();

  private Await() {}

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}. */
  public static void until(BooleanSupplier condition, String description) {
    until(DEFAULT_TIMEOUT, condition, description);
  }

  /**
   * Returns once {@code condition} holds.
   *
   * @throws AssertionError naming {@code description} if it still does not after {@code timeout}
   */
  public static void until(Duration timeout, BooleanSupplier condition, String description) {
    Objects.requireNonNull(condition, "condition");
    value(timeout, condition::getAsBoolean, Boolean::booleanValue, description);
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} for a value of {@code value} that {@code accept}s. */
  public static <T> T value(Supplier<T> value, Predicate<? super T> accept, String description) {
    return value(DEFAULT_TIMEOUT, value, accept, description);
  }

  /**
   * Polls {@code value} until {@code accept} holds for what it returns, and returns that.
   *
   * @throws AssertionError after {@code timeout}, naming {@code description} and the last value
   *     seen (so a timed-out wait on statistics shows the statistics)
   */
  public static <T> T value(Duration timeout, Supplier<T> value, Predicate<? super T> accept,
      String description) {
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(accept, "accept");
    Objects.requireNonNull(description, "description");
    if (timeout.isNegative()) {
      throw new IllegalArgumentException("timeout must not be negative: " + timeout);
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    long pause = 100_000; // 0.1 ms, doubling up to MAX_POLL_NANOS: quick when it is quick
    while (true) {
      T current = value.get();
      if (accept.test(current)) {
        return current;
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + description
            + (current instanceof Boolean ? "" : "; last seen: " + current));
      }
      try {
        Thread.sleep(Duration.ofNanos(Math.min(pause, left)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for: " + description, e);
      }
      pause = Math.min(pause * 2, MAX_POLL_NANOS);
    }
  }
}
