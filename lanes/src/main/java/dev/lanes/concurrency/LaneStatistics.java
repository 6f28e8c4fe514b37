package dev.lanes.concurrency;

import java.time.Duration;

/**
 * A snapshot of one lane.
 *
 * @param name the lane's name
 * @param executorKind where its tasks run
 * @param capacity tokens in its limiter
 * @param borrowed tasks holding a token now
 * @param available free tokens
 * @param waiting tasks queued for a token
 * @param completed tasks that returned normally
 * @param failed tasks that threw
 * @param cancelled tasks cancelled while running
 * @param rejected tasks refused because the queue was full
 * @param timedOut tasks refused after waiting the maximum queue wait
 * @param meanQueueWait mean wait for a token of granted tasks
 * @param maxQueueWait longest wait for a token of a granted task
 */
public record LaneStatistics(
    String name, Lane.ExecutorKind executorKind, int capacity, int borrowed, int available,
    int waiting, long completed, long failed, long cancelled, long rejected, long timedOut,
    Duration meanQueueWait, Duration maxQueueWait) {}
