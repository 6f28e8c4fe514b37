package dev.lanes.tasks;

import java.util.Objects;

/**
 * What a handler may know of the task it runs: its id, type and attempt, and how its retry policy
 * counts it, as Celery's {@code self.request.id}, {@code self.request.retries} and
 * {@code self.max_retries}. The id and attempt are those {@link Tasks#status} answers with
 * meanwhile: use them to log, or to make side effects idempotent (the id is the same on every attempt
 * and redelivery); {@link #lastAttempt()} tells a handler that a throw now fails the task for good
 * (to report it, or to fall back). Handlers get it through {@link ContextTaskHandler} or
 * {@link AsyncContextTaskHandler}; a test can build one to call a handler directly.
 *
 * <pre>{@code TaskType.withContext("charge", Charge.class, (charge, task) -> payments.charge(charge, "charge-" + task.id()))}</pre>
 *
 * @param id the task's id, as {@link Tasks#enqueue} returned it ({@code name@dueEpochMillis} for a
 *     recurring run)
 * @param name the task type's name
 * @param attempt this attempt's number, from 1: every start counts, retries, redeliveries and
 *     hand-backs too ({@link TaskStatus#attempts()} while it runs)
 * @param redelivered the previous attempt never ended (its worker died, or the store failed recording
 *     its end): it may have done part of its work
 * @param retries the attempts before this one that failed (threw), as the {@link RetryPolicy} counts
 *     them: redeliveries and hand-backs left out; 0 on the first try
 * @param maxAttempts the attempts the type's {@link RetryPolicy} allows in all, the first included;
 *     1 for a recurring run, which a throw fails at once (its next due time is its retry)
 */
public record TaskContext(String id, String name, int attempt, boolean redelivered, int retries, int maxAttempts) {
  public TaskContext {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
    }
    if (retries < 0 || retries >= attempt) {
      throw new IllegalArgumentException("retries must be 0.." + (attempt - 1) + " (before attempt " + attempt + "), got "
          + retries);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be >= 1, got " + maxAttempts);
    }
  }

  /**
   * Whether a throw from this attempt fails the task for good rather than retrying it: the retry
   * policy's attempts are spent with this one. (The worker dying under it still redelivers it.)
   *
   * <pre>{@code if (task.lastAttempt()) { alerts.send("giving up on " + task.id()); }}</pre>
   */
  public boolean lastAttempt() {
    return retries + 1 >= maxAttempts;
  }
}
