package dev.lanes.concurrency;

import java.time.Duration;

/**
 * A snapshot of one lane.
 *
 * @param name the lane's name
 * @param executorKind where new tasks run: {@code PLATFORM} for an adaptive lane in compute mode
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
 * @param computeModeEntries how often an adaptive lane entered compute mode since it was built
 *     (0 for the others): with {@link #computeMode()} read now and then, it shows the switches
 *     between two reads too
 */
public record LaneStatistics(
    String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
    int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
    Duration meanQueueWait, Duration maxQueueWait,
    long granted, Duration totalQueueWait, Duration p50QueueWait, Duration p99QueueWait,
    LaneSizing sizing, long computeModeEntries) {

  public LaneStatistics {
    java.util.Objects.requireNonNull(sizing, "sizing");
  }

  /** A snapshot of a lane that never entered compute mode. */
  public LaneStatistics(
      String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
      int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
      Duration meanQueueWait, Duration maxQueueWait,
      long granted, Duration totalQueueWait, Duration p50QueueWait, Duration p99QueueWait,
      LaneSizing sizing) {
    this(name, executorKind, capacity, borrowed, available, waiting, completed, failed, cancelled,
        rejected, timedOut, meanQueueWait, maxQueueWait, granted, totalQueueWait, p50QueueWait,
        p99QueueWait, sizing, 0);
  }

  /**
   * Whether the lane is in compute mode: adaptive, and running new tasks on platform threads
   * because its tasks compute ({@link LaneSizing.Adaptive}).
   *
   * <pre>{@code boolean computing = app.lanes().get("endpoints").statistics().computeMode(); }</pre>
   */
  public boolean computeMode() {
    return sizing instanceof LaneSizing.Adaptive && executorKind == Lane.ExecutorKind.PLATFORM;
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
