package dev.lanes.tasks;

import java.util.Objects;

/**
 * What a handler may know of the task it runs: its id, type and attempt, as Celery's
 * {@code self.request.id} and {@code retries}. The id and attempt are those {@link Tasks#status}
 * answers with meanwhile: use them to log, or to make side effects idempotent (the id is the same on
 * every attempt and redelivery). Handlers get it through {@link ContextTaskHandler} or
 * {@link AsyncContextTaskHandler}; a test can build one to call a handler directly.
 *
 * <pre>{@code TaskType.of("charge", Charge.class, (charge, task) -> payments.charge(charge, "charge-" + task.id()))}</pre>
 *
 * @param id the task's id, as {@link Tasks#enqueue} returned it ({@code name@dueEpochMillis} for a
 *     recurring run)
 * @param name the task type's name
 * @param attempt this attempt's number, from 1: every start counts, retries, redeliveries and
 *     hand-backs too ({@link TaskStatus#attempts()} while it runs)
 * @param redelivered the previous attempt never ended (its worker died): it may have done part of
 *     its work
 */
public record TaskContext(String id, String name, int attempt, boolean redelivered) {
  public TaskContext {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    if (attempt < 1) {
      throw new IllegalArgumentException("attempt counts from 1, got " + attempt);
    }
  }
}
