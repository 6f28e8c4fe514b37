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
  /** The latest due time accepted: one every store (H2, PostgreSQL's timestamptz) can hold. */
  public static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

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

  /** Due {@code delay} after enqueue, not earlier (replaces {@link #at}); due by {@link #LATEST}. */
  public EnqueueOptions in(Duration delay) {
    Objects.requireNonNull(delay, "delay");
    if (delay.isNegative()) {
      throw new IllegalArgumentException("delay must not be negative, got " + delay);
    }
    if (delay.compareTo(Duration.between(Instant.now(), LATEST)) > 0) {
      throw new IllegalArgumentException("delay " + delay + " puts the task past " + LATEST + ", the latest due time");
    }
    return new EnqueueOptions(Optional.of(delay), Optional.empty(), key);
  }

  /**
   * Due at {@code time}, not earlier (replaces {@link #in}); a past time is due now (and waits
   * behind tasks already due, from its enqueue on); no later than {@link #LATEST}.
   */
  public EnqueueOptions at(Instant time) {
    Objects.requireNonNull(time, "time");
    if (time.isAfter(LATEST)) {
      throw new IllegalArgumentException("due time " + time + " is past " + LATEST + ", the latest due time");
    }
    return new EnqueueOptions(Optional.empty(), Optional.of(time), key);
  }

  /**
   * Enqueues at most one task of this type per key: a second enqueue with the same key returns the
   * first task's id and changes nothing (whatever that task's state), until the first task ended
   * and expired ({@link Tasks.Builder#expireEndedAfter}): then it makes a new task, under the same id.
   */
  public EnqueueOptions key(String key) {
    Objects.requireNonNull(key, "key");
    if (key.isBlank() || key.length() > 200) {
      throw new IllegalArgumentException("key must be 1..200 characters, not blank");
    }
    if (key.indexOf('\0') >= 0) { // PostgreSQL's text cannot hold it: the whole batch would fail
      throw new IllegalArgumentException("key must not contain NUL");
    }
    return new EnqueueOptions(delay, at, Optional.of(key));
  }

  public Optional<String> key() {
    return key;
  }

  /** When a task enqueued at {@code now} is due: never before {@code now}. */
  public Instant dueAt(Instant now) {
    Instant due = at.orElseGet(() -> now.plus(delay.orElse(Duration.ZERO)));
    return due.isBefore(now) ? now : due;
  }
}
