package dev.lanes.tasks;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;

/**
 * Task counts: per state in the whole store (every process), and what this process did.
 *
 * <pre>{@code tasks.statistics().byState().get(TaskState.QUEUED)}</pre>
 *
 * @param byState tasks in the store per state
 * @param redeliveries attempts in the store started again because a worker died mid-attempt (of the
 *     tasks kept: ended ones expire, {@link Tasks.Builder#expireEndedAfter})
 * @param oldestDue when the queued task that has waited longest became due (queue age); empty if no
 *     queued task is due yet
 * @param enqueued tasks this process enqueued
 * @param started attempts this process started
 * @param succeeded attempts this process finished successfully
 * @param retried attempts this process saw fail and scheduled again
 * @param failed tasks this process saw fail their last attempt
 */
public record TaskStatistics(Map<TaskState, Long> byState, long redeliveries, Optional<Instant> oldestDue,
    long enqueued, long started, long succeeded, long retried, long failed) {
  public TaskStatistics {
    byState = Map.copyOf(byState);
  }

  /** How long the oldest due queued task has waited at {@code now}; zero if none is due. */
  public Duration queueAge(Instant now) {
    return oldestDue.map(d -> Duration.between(d, now)).filter(d -> !d.isNegative()).orElse(Duration.ZERO);
  }
}
