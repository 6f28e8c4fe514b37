package dev.lanes.tasks;

import java.util.Map;

/**
 * Task counts: per state in the whole store (every process), and what this process did.
 *
 * <pre>{@code tasks.statistics().byState().get(TaskState.QUEUED)}</pre>
 *
 * @param byState tasks in the store per state
 * @param redeliveries attempts in the store started again because a worker died mid-attempt
 * @param enqueued tasks this process enqueued
 * @param started attempts this process started
 * @param succeeded attempts this process finished successfully
 * @param retried attempts this process saw fail and scheduled again
 * @param failed tasks this process saw fail their last attempt
 */
public record TaskStatistics(Map<TaskState, Long> byState, long redeliveries, long enqueued, long started,
    long succeeded, long retried, long failed) {
  public TaskStatistics {
    byState = Map.copyOf(byState);
  }
}
