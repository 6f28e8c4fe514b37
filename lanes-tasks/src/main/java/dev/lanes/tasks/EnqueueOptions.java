package dev.lanes.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * When a task may start and whether enqueueing it twice makes two tasks.
 *
 * <pre>{@code tasks.enqueue(report, new Report(day), EnqueueOptions.defaults().in(Duration.ofMinutes(5)).key("report-" + day))}</pre>
 */
public final class EnqueueOptions {
  private static final EnqueueOptions DEFAULTS = new EnqueueOptions(Optional.empty(), Optional.empty(), Optional.empty());

  private final Optional<Duration> delay;
  private final Optional<Instant> at;
  private final Optional<String> key;

  private EnqueueOptions(Optional<Duration> delay, Optional<Instant> at, Optional<String> key) {
    this.delay = delay;
    this.at = at;
    this.key = key;
  }

  /** Due now, a new task on every call. */
  public static EnqueueOptions defaults() {
    return DEFAULTS;
  }

  /** Due {@code delay} after enqueue, not earlier (replaces {@link #at}). */
  public EnqueueOptions in(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    return new EnqueueOptions(Optional.of(delay), Optional.empty(), key);
  }

  /** Due at {@code time}, not earlier (replaces {@link #in}); a past time is due now. */
  public EnqueueOptions at(Instant time) {
    return new EnqueueOptions(Optional.empty(), Optional.of(Objects.requireNonNull(time, "time")), key);
  }

  /**
   * Enqueues at most one task of this type per key: a second enqueue with the same key returns the
   * first task's id and changes nothing (whatever that task's state).
   */
  public EnqueueOptions key(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank() || key.length() > 200) {
      throw new IllegalArgumentException("key must be 1..200 characters, not blank");
    }
    return new EnqueueOptions(delay, at, Optional.of(key));
  }

  public Optional<String> key() {
    return key;
  }

  /** When a task enqueued at {@code now} is due. */
  public Instant dueAt(Instant now) {
    return at.orElseGet(() -> now.plus(delay.orElse(Duration.ZERO)));
  }
}
