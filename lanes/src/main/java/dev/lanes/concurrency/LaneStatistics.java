package dev.lanes.concurrency;

import java.time.Duration;

/**
 * A snapshot of one lane.
 *
 * @param name the lane's name
 * @param executorKind where its tasks run
 * @param capacity tokens in its limiter: for an adaptive lane, its current limit
 * @param borrowed tasks holding a token now
 * @param available free tokens
 * @param waiting tasks queued for a token
 * @param completed tasks that returned normally
 * @param failed tasks that threw
 * @param cancelled tasks cancelled while running
 * @param rejected tasks refused because the queue was full (or a user's executor refused them) or
 *     the lane was closed: every {@code laneRejected} but {@code WAIT_TIMEOUT}
 * @param timedOut tasks refused after waiting the maximum queue wait
 * @param meanQueueWait mean wait for a token of granted tasks
 * @param maxQueueWait longest wait for a token of a granted task
 * @param granted tokens handed out since the lane was built
 * @param totalQueueWait the waits of all granted tasks added up (for rates between two snapshots)
 * @param p50QueueWait median wait for a token, within a factor of two (power-of-two buckets)
 * @param p99QueueWait 99th percentile wait for a token, within a factor of two
 * @param sizing how the capacity is set: fixed, unbounded, or adaptive with its bounds
 */
public record LaneStatistics(
    String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
    int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
    Duration meanQueueWait, Duration maxQueueWait,
    long granted, Duration totalQueueWait, Duration p50QueueWait, Duration p99QueueWait,
    LaneSizing sizing) {

  public LaneStatistics {
    java.util.Objects.requireNonNull(sizing, "sizing");
  }

  /** A snapshot of a fixed lane with the wait distribution. */
  public LaneStatistics(
      String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
      int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
      Duration meanQueueWait, Duration maxQueueWait,
      long granted, Duration totalQueueWait, Duration p50QueueWait, Duration p99QueueWait) {
    this(name, executorKind, capacity, borrowed, available, waiting, completed, failed, cancelled,
        rejected, timedOut, meanQueueWait, maxQueueWait, granted, totalQueueWait, p50QueueWait,
        p99QueueWait, LaneSizing.fixed(capacity));
  }

  /** A snapshot without the wait distribution (granted and waits unknown: zero). */
  public LaneStatistics(
      String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
      int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
      Duration meanQueueWait, Duration maxQueueWait) {
    this(name, executorKind, capacity, borrowed, available, waiting, completed, failed, cancelled,
        rejected, timedOut, meanQueueWait, maxQueueWait, 0, Duration.ZERO, Duration.ZERO, Duration.ZERO,
        LaneSizing.fixed(capacity));
  }
}
