package dev.lanes.concurrency;

/**
 * A snapshot of a {@link CapacityLimiter}, taken under its lock so the numbers agree.
 *
 * @param totalTokens tokens in the pool
 * @param borrowed tokens held now (may exceed {@code totalTokens} right after a shrink)
 * @param available tokens free now
 * @param waiting callers queued for a token
 * @param granted tokens handed out since creation
 * @param rejected acquisitions refused because the wait queue was full
 * @param timedOut acquisitions that gave up after the maximum queue wait
 */
public record LimiterStatistics(
    int totalTokens, int borrowed, int available, int waiting,
    long granted, long rejected, long timedOut) {}
