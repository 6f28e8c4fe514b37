package dev.lanes.tasks;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;

/**
 * What is known of one task, read from the task store by {@link Tasks#status(String)}.
 *
 * <pre>{@code tasks.status(id).map(TaskStatus::state).orElseThrow()}</pre>
 *
 * @param id the id {@link Tasks#enqueue} returned
 * @param name the task type's name
 * @param state where it is in its life
 * @param attempts attempts started so far (a re-run after a dead worker, or after a draining
 *     worker handed the task back, counts too, though not toward the {@link RetryPolicy})
 * @param redeliveries attempts started again because the previous one was never finished (its
 *     worker died, or the store failed recording its end): the duplicates of at-least-once delivery
 * @param result the last successful attempt's result, as JSON
 * @param error the last failed attempt's error
 * @param enqueuedAt when it was enqueued
 * @param runAt when it is (or was) due
 */
public record TaskStatus(String id, String name, TaskState state, int attempts, int redeliveries,
    Optional<JsonNode> result, Optional<String> error, Instant enqueuedAt, Instant runAt) {
  public TaskStatus {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(state, "state");
    Objects.requireNonNull(result, "result");
    Objects.requireNonNull(error, "error");
    Objects.requireNonNull(enqueuedAt, "enqueuedAt");
    Objects.requireNonNull(runAt, "runAt");
  }
}
