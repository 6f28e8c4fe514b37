package dev.lanes.tasks;

import java.time.Duration;
import java.util.Objects;

/**
 * How often a failing task is tried and how long it waits between attempts: exponential backoff,
 * {@code initialBackoff * multiplier^(attempt-1)}, capped at {@code maxBackoff}.
 *
 * <pre>{@code RetryPolicy.attempts(5).backoff(Duration.ofSeconds(1), 2.0).maxBackoff(Duration.ofMinutes(1))}</pre>
 *
 * <p>Attempts count failures, not redeliveries: an attempt re-run because its worker died before
 * it ended (at-least-once delivery), or because a draining worker interrupted it and handed it
 * back, neither spends an attempt nor grows the backoff, as a redelivered message is no retry in
 * Celery.
 *
 * @param maxAttempts attempts in all, the first included (1: no retry); redeliveries and hand-backs not counted
 * @param initialBackoff the wait before the second attempt
 * @param multiplier how much each later wait grows (1.0: constant)
 * @param maxBackoff the longest wait
 */
public record RetryPolicy(int maxAttempts, Duration initialBackoff, double multiplier, Duration maxBackoff) {
  private static final Duration LONGEST = Duration.ofNanos(Long.MAX_VALUE);

  public RetryPolicy {
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
    Objects.requireNonNull(initialBackoff, "initialBackoff");
    Objects.requireNonNull(maxBackoff, "maxBackoff");
    if (initialBackoff.isNegative() || maxBackoff.isNegative()) {
      throw new IllegalArgumentException("backoff must not be negative");
    }
    if (!(multiplier >= 1.0) || Double.isInfinite(multiplier)) {
      throw new IllegalArgumentException("multiplier must be a finite number >= 1, got " + multiplier);
    }
  }

  /** One attempt, no retry. */
  public static RetryPolicy none() {
    return new RetryPolicy(1, Duration.ZERO, 1.0, Duration.ZERO);
  }

  /** {@code maxAttempts} attempts, waiting 1 s, then 2 s, 4 s, ... at most 5 min. */
  public static RetryPolicy attempts(int maxAttempts) {
    return new RetryPolicy(maxAttempts, Duration.ofSeconds(1), 2.0, Duration.ofMinutes(5));
  }

  /** This policy with another first wait and growth. */
  public RetryPolicy backoff(Duration initial, double growth) {
    return new RetryPolicy(maxAttempts, initial, growth, maxBackoff.compareTo(initial) < 0 ? initial : maxBackoff);
  }

  /** This policy with another cap on the wait. */
  public RetryPolicy maxBackoff(Duration max) {
    return new RetryPolicy(maxAttempts, initialBackoff, multiplier, max);
  }

  /** Whether a task that failed its {@code attempt}-th attempt (1-based, redeliveries not counted) is tried again. */
  public boolean retriesAfter(int attempt) {
    return attempt < maxAttempts;
  }

  /**
   * The wait after the {@code attempt}-th attempt (1-based) failed; never longer than
   * {@code maxBackoff} nor than about 292 years (what nanoseconds can hold, so a cap such as
   * {@code ChronoUnit.FOREVER.getDuration()} means no cap).
   */
  public Duration backoffAfter(int attempt) {
    Duration cap = maxBackoff.compareTo(LONGEST) < 0 ? maxBackoff : LONGEST;
    long initial = initialBackoff.compareTo(LONGEST) < 0 ? initialBackoff.toNanos() : Long.MAX_VALUE;
    double nanos = initial * Math.pow(multiplier, Math.max(0, attempt - 1));
    return nanos >= cap.toNanos() ? cap : Duration.ofNanos((long) nanos);
  }
}
